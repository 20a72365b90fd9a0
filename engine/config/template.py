"""The commented starter files ``tillsync init`` writes.

The starter config explains every key (a test checks it against the
models) and loads as it is, together with the starter secrets file; the
admin then replaces the placeholders.  Both are created private (0600)
from the first byte, so there is no moment a secret sits world-readable.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.config.loader import secrets_path_for
from engine.config.values import CONNECTION_NAME
from engine.errors import ConfigError

if TYPE_CHECKING:
    from engine.backends.entry import BackendEntry

__all__ = [
    "guess_local_timezone",
    "render_starter_config",
    "render_starter_secrets",
    "write_starter_files",
]

_TEMPLATE = Path(__file__).with_name("starter.toml.in")
_SECRETS_TEMPLATE = Path(__file__).with_name("starter_secrets.toml.in")


def guess_local_timezone(
    localtime: Path = Path("/etc/localtime"), timezone_file: Path = Path("/etc/timezone")
) -> str:
    """The machine's IANA zone name, for the starter config; "UTC" if unknown.

    Reads the /etc/localtime link one level only (zoneinfo aliases are
    links themselves: Europe/Bratislava -> Europe/Prague, and the admin
    expects the name they chose), then Debian's /etc/timezone.
    """
    candidates = []
    with contextlib.suppress(OSError):
        candidates.append(os.readlink(localtime).partition("zoneinfo/")[2])
    with contextlib.suppress(OSError):
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        with contextlib.suppress(ValueError, ZoneInfoNotFoundError):
            if name and ZoneInfo(name):
                return name
    return "UTC"


def render_starter_config(
    *, connection: str = "shop1", timezone: str | None = None, backend: str | None = None
) -> str:
    """The commented starter ``config.toml`` for one connection.

    The ``backend`` table is the one the back office's entry declares (its
    keys, explained); ``backend`` unset: the first installed back office.
    """
    _check_name(connection)
    template = _TEMPLATE.read_text(encoding="utf-8")
    text = _fill(template.replace("{backend}", _entry(backend).config_template), connection)
    return text.replace("{timezone}", timezone or guess_local_timezone())


def render_starter_secrets(*, connection: str = "shop1", backend: str | None = None) -> str:
    """The starter ``secrets.toml`` with placeholders for the connection's secrets."""
    _check_name(connection)
    template = _SECRETS_TEMPLATE.read_text(encoding="utf-8")
    return _fill(template.replace("{backend}", _entry(backend).secrets_template), connection)


def _entry(backend: str | None) -> BackendEntry:
    """The back office whose section the starter carries (imported late: no cycle)."""
    from engine.backends import available_backends, backend_entry

    if backend is None:
        installed = available_backends()
        if not installed:
            raise ConfigError("no back office is installed (no tillsync.backends entry point)")
        backend = installed[0]
    return backend_entry(backend)


def _fill(text: str, connection: str) -> str:
    env_word = connection.upper().replace("-", "_")
    return text.replace("{connection}", connection).replace("{CONNECTION}", env_word)


def write_starter_files(
    config_path: Path,
    *,
    connection: str = "shop1",
    timezone: str | None = None,
    backend: str | None = None,
) -> tuple[Path, Path]:
    """Create config.toml and secrets.toml (0600, folder 0700); never overwrite."""
    secrets_path = secrets_path_for(config_path)
    for path in (config_path, secrets_path):
        if path.exists():
            raise ConfigError(f"{path} already exists; tillsync init never overwrites a file")
    config_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    config = render_starter_config(connection=connection, timezone=timezone, backend=backend)
    secrets = render_starter_secrets(connection=connection, backend=backend)
    _write_private(config_path, config)
    _write_private(secrets_path, secrets)
    return config_path, secrets_path


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _check_name(connection: str) -> None:
    if not CONNECTION_NAME.fullmatch(connection):
        raise ConfigError(
            f"connection name {connection!r} must start with a lowercase letter and use "
            "only a-z, 0-9, '_' and '-'"
        )
