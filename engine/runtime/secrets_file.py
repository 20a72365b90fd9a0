"""Writing one generated secret into ``secrets.toml``, keeping the admin's comments.

``tillsync webhooks install`` generates the webhook secret WooCommerce signs
deliveries with, and the engine must find it on its next start: so it goes
where every other secret lives.  The file is edited as text (a line after
the table's header, or a new table at the end) rather than re-serialised, so
comments and layout survive; the result is parsed before it replaces the
file, and it is replaced atomically with mode 0600.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path

from engine.config.secrets import check_private
from engine.errors import ConfigError

__all__ = ["store_secret"]


def _header(table: tuple[str, ...]) -> str:
    return "[" + ".".join(table) + "]"


def _with_secret(text: str, table: tuple[str, ...], key: str, value: str) -> str:
    line = f"{key} = {json.dumps(value)}"
    pattern = re.compile(rf"^[ \t]*{re.escape(_header(table))}[ \t]*(#.*)?$", re.MULTILINE)
    found = pattern.search(text)
    if found is None:
        tail = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{tail}\n{_header(table)}\n{line}\n"
    end = found.end()
    return f"{text[:end]}\n{line}{text[end:]}"


def _value_at(text: str, table: tuple[str, ...], key: str, path: Path) -> object:
    try:
        data: object = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} could not be updated: {exc}") from None
    for part in table:
        data = data.get(part, {}) if isinstance(data, dict) else {}
    return data.get(key) if isinstance(data, dict) else None


def store_secret(path: Path, table: tuple[str, ...], key: str, value: str) -> None:
    """Set ``table.key = value`` in the secrets file (created 0600 when missing).

    Refuses when the key is already set there: replacing a secret is a
    decision for the admin, not a side effect.
    """
    text = ""
    if path.exists():
        check_private(path, why="is the secrets file")
        text = path.read_text(encoding="utf-8")
        if _value_at(text, table, key, path) is not None:
            raise ConfigError(
                f"{path} already sets {'.'.join((*table, key))}",
                hint="remove that line first if you really want a new secret",
            )
    updated = _with_secret(text, table, key, value)
    if _value_at(updated, table, key, path) != value:
        raise ConfigError(f"{path} could not be updated safely; add {key} by hand")
    _replace(path, updated)


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".secrets-", suffix=".toml")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
