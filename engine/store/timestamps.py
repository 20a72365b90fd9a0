"""How the store writes and reads instants.

WHY fixed-width UTC text: SQLite has no datetime type, and comparisons such as
``next_attempt_at <= now`` run in SQL.  Text in one fixed-width UTC format
(``2025-01-31T12:00:00.000000+00:00``) sorts lexically in time order, so those
comparisons are plain string comparisons and use the indexes.  Naive datetimes
are refused rather than guessed at: a local time mistaken for UTC would move
a cursor by hours.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["from_text", "optional_from_text", "optional_to_text", "to_text", "utc_now"]


def utc_now() -> datetime:
    """The default clock of the store (tests pass their own)."""
    return datetime.now(UTC)


def to_text(value: datetime) -> str:
    """Serialise an aware datetime as fixed-width UTC text."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the store only accepts timezone-aware values")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """Parse what :func:`to_text` wrote back into an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def optional_to_text(value: datetime | None) -> str | None:
    return None if value is None else to_text(value)


def optional_from_text(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)
