"""The marker beside the config: which connections have run, from where, since when.

WHY a file outside the state database: when the database is lost, emptied or
replaced, the engine must not mistake that for a first install (it would
start blank and, before keys came from the store, book every order again).
The config folder survives what takes the database (a wiped data folder, a
restored VM image without the volume), so a small JSON file there says
"this connection has run before, against this store, with this start point".

Nothing secret is written here: the store URL, the connection name, a hash
and dates.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.config import TillsyncConfig

__all__ = ["MARKER_NAME", "ConnectionMarker", "MarkerFile", "marker_path"]

MARKER_NAME = "tillsync-state-marker.json"


@dataclass(frozen=True)
class ConnectionMarker:
    """What one connection's first start recorded."""

    store: str
    scope: str
    since: str
    state_db: str
    legacy_install_id: str = ""
    legacy_keys_until: str = ""


def marker_path(config: TillsyncConfig) -> Path:
    """Beside the config file; beside the state database for a config built in code."""
    if config.source is not None:
        return Path(config.source).parent / MARKER_NAME
    return Path(config.engine.state_db).parent / MARKER_NAME


class MarkerFile:
    """Read and update the marker; each write replaces the file atomically (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # unreadable: treat as "has run" rather than as a first install
            return {"*": {}}
        connections = data.get("connections") if isinstance(data, dict) else None
        return connections if isinstance(connections, dict) else {}

    def get(self, connection: str) -> ConnectionMarker | None:
        entries = self._read()
        entry = entries.get(connection, entries.get("*"))
        if entry is None:
            return None
        fields = ConnectionMarker.__dataclass_fields__
        known = {k: str(v) for k, v in entry.items() if k in fields}
        return ConnectionMarker(**{"store": "", "scope": "", "since": "", "state_db": ""} | known)

    def record(self, connection: str, marker: ConnectionMarker) -> None:
        entries = {k: v for k, v in self._read().items() if k != "*"}
        entries[connection] = asdict(marker)
        text = json.dumps({"version": 1, "connections": entries}, indent=2, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".marker-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
