"""Bookmarks of incremental reads, with no I/O so the rules can be tested alone.

A job reads a feed "since the cursor", applies each page, and only then may
the cursor move (STYLE.md §3).  The rules live here, in one place:

* **forward only** — a value at or behind the committed one never replaces it
  (re-read overlaps, late pages and clock jitter can't rewind a feed);
* **pending until applied** — ``observe`` notes values seen in a page;
  ``committable()`` is what may be persisted *after* the page was applied,
  in the same store transaction as its effects; ``commit()`` then adopts it;
* **time cursors are capped at the run's start** — anything modified while
  the run was reading is read again next time.  WordPress's ``after`` is
  strictly-greater with one-second resolution, so the stored value is also
  floored to the second and moved back by ``overlap`` (default 1 s): records
  sharing the last second seen, or the run-start second, are read again
  rather than lost.  Re-reads are cheap: unchanged items cost nothing (links
  keep a hash).  Make ``overlap`` cover any clock skew to the remote server.

Usage::

    cursor = TimeCursor.from_text(await store.cursors.value("orders"), run_started_at=t0)
    async for page in feed.read(after=cursor.committed):
        cursor.observe_all(r.modified_gmt for r in page)
        async with store.transaction():
            ...apply the page...
            if text := cursor.committable_text():
                await store.cursors.set("orders", text)
        cursor.commit()
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

__all__ = ["Cursor", "RevisionCursor", "TimeCursor"]

V = TypeVar("V", int, datetime)


class Cursor(ABC, Generic[V]):
    """One feed's bookmark during one run: committed value plus values pending a commit."""

    def __init__(self, committed: V | None = None) -> None:
        self._committed = committed
        self._pending: V | None = None

    @property
    def committed(self) -> V | None:
        """The value to read from (``None``: never read, do a full read)."""
        return self._committed

    def observe(self, value: V) -> None:
        """Note a value seen in the page being applied; only the greatest matters."""
        self._check(value)
        if self._pending is None or value > self._pending:
            self._pending = value

    def observe_all(self, values: Iterable[V]) -> None:
        for value in values:
            self.observe(value)

    def committable(self) -> V | None:
        """What may be persisted once the observed pages are applied: never behind."""
        if self._pending is None:
            return self._committed
        candidate = self._bound(self._pending)
        if self._committed is not None and candidate <= self._committed:
            return self._committed
        return candidate

    def committable_text(self) -> str | None:
        """:meth:`committable` encoded for the store; ``None`` when there's nothing to store."""
        value = self.committable()
        return None if value is None else self.encode(value)

    @property
    def advanced(self) -> bool:
        """True when persisting now would move the stored value."""
        return self.committable() != self._committed

    def commit(self) -> V | None:
        """Adopt :meth:`committable` after the store persisted it; clears what was pending."""
        self._committed = self.committable()
        self._pending = None
        return self._committed

    def discard(self) -> None:
        """The page was not applied: forget what it showed."""
        self._pending = None

    @abstractmethod
    def _check(self, value: V) -> None: ...

    @abstractmethod
    def _bound(self, value: V) -> V:
        """The storable value an observed value allows."""

    @staticmethod
    @abstractmethod
    def encode(value: V) -> str: ...


class RevisionCursor(Cursor[int]):
    """A monotonic server counter (a ``revision``, a transaction id).

    The feed returns objects with a *greater* revision, so the greatest
    revision applied is exactly what to store: no cap, no overlap.
    """

    @classmethod
    def from_text(cls, text: str | None) -> RevisionCursor:
        return cls(None if text is None else int(text))

    def _check(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a revision is an int, got {type(value).__name__}")

    def _bound(self, value: int) -> int:
        return value

    @staticmethod
    def encode(value: int) -> str:
        return str(value)


class TimeCursor(Cursor[datetime]):
    """A ``modified_after`` feed (WooCommerce, a change date), capped at the run's start."""

    def __init__(
        self,
        committed: datetime | None = None,
        *,
        run_started_at: datetime,
        overlap: timedelta = timedelta(seconds=1),
    ) -> None:
        for value in (committed, run_started_at):
            if value is not None:
                _require_aware(value)
        if overlap < timedelta(0):
            raise ValueError("overlap must not be negative")
        super().__init__(committed)
        self.run_started_at = run_started_at
        self.overlap = overlap

    @classmethod
    def from_text(
        cls,
        text: str | None,
        *,
        run_started_at: datetime,
        overlap: timedelta = timedelta(seconds=1),
    ) -> TimeCursor:
        committed = None if text is None else datetime.fromisoformat(text)
        return cls(committed, run_started_at=run_started_at, overlap=overlap)

    def _check(self, value: datetime) -> None:
        _require_aware(value)

    def _bound(self, value: datetime) -> datetime:
        latest = min(value, self.run_started_at).astimezone(UTC)
        return latest.replace(microsecond=0) - self.overlap

    @staticmethod
    def encode(value: datetime) -> str:
        return value.astimezone(UTC).isoformat()


def _require_aware(value: datetime) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"a time cursor holds datetimes, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value (UTC)")
