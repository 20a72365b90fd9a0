"""Errors the state store raises on purpose.

They derive from :class:`engine.errors.TillsyncError` so the CLI and the TUI
show them like any other tillsync failure, with a hint for the admin.
"""

from __future__ import annotations

from engine.errors import ConfigError, TillsyncError

__all__ = [
    "DamagedDatabaseError",
    "SchemaVersionError",
    "StoreError",
    "TransitionError",
    "UnknownOrderError",
]


class StoreError(TillsyncError):
    """Base of the store's own errors."""


class SchemaVersionError(StoreError, ConfigError):
    """The database was written by a newer tillsync; opening it could corrupt it."""


class DamagedDatabaseError(StoreError, ConfigError):
    """SQLite cannot read the state file (not a database, or malformed).

    A ConfigError so the command exits with code 2: systemd stops restarting a
    service that would only fail the same way, and the admin gets the path.
    """


class UnknownOrderError(StoreError, LookupError):
    """An outbox operation named an order the outbox does not hold."""


class TransitionError(StoreError):
    """An outbox state change that the state machine does not allow.

    WHY an error and not a no-op: a disallowed change means two workers (or a
    worker and the admin) disagree about an order; silently ignoring it is how
    an order gets sent twice or never.
    """
