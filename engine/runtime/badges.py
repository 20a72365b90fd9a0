"""The console's title for a connection: ``tillsync`` plus its back office's badge.

A back office whose connection can point at different accounts (e.g. a
test and a live credential set) names the one in use through
``BackendEntry.badge``, so the admin sees on every screen which account a
click writes to.  Read from the configuration alone: the console has it
locally, attached or not, and no request is made.
"""

from __future__ import annotations

from engine.backends import backend_entry
from engine.config import TillsyncConfig
from engine.errors import ConfigError

__all__ = ["connection_badge", "console_title"]

TITLE = "tillsync"


def connection_badge(config: TillsyncConfig, connection: str) -> str | None:
    """The badge of ``connection``'s back office, or None (none declared, or unknown)."""
    conn = config.connections.get(connection)
    if conn is None:
        return None
    try:
        entry = backend_entry(conn.backend.type)
    except ConfigError:
        return None
    return entry.badge(conn.backend) if entry.badge is not None else None


def console_title(config: TillsyncConfig, connection: str) -> str:
    """``tillsync`` alone, or ``tillsync · shop1 [TEST]`` when the back office has a badge."""
    badge = connection_badge(config, connection)
    return f"{TITLE} · {connection} [{badge}]" if badge else TITLE
