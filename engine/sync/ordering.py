"""Advance a cursor only past pages that are fully applied, in order.

The catalog job writes several pages to WooCommerce at once, and they finish
in any order.  A cursor saved past an unfinished page would lose that page on
a crash, so each page's cursor becomes committable only when every earlier
page has finished too.
"""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["OrderedCommits"]

T = TypeVar("T")


class OrderedCommits(Generic[T]):
    def __init__(self) -> None:
        self._issued = 0
        self._next = 0
        self._finished: dict[int, T | None] = {}
        self._blocked_at = float("inf")

    def register(self) -> int:
        """Reserve the next sequence number, in reading order."""
        seq = self._issued
        self._issued += 1
        return seq

    def finish(self, seq: int, cursor: T | None, *, complete: bool = True) -> T | None:
        """Mark page ``seq`` applied; return the newest cursor now safe to save, if any.

        An incomplete page (some items failed transiently) stops the cursor
        for the rest of the run, so the next run reads that page again.
        """
        if seq < self._next or seq in self._finished:
            raise ValueError(f"page {seq} finished twice")
        if not complete:
            self._blocked_at = min(self._blocked_at, seq)
        self._finished[seq] = cursor
        safe: T | None = None
        while self._next in self._finished and self._next < self._blocked_at:
            value = self._finished.pop(self._next)
            if value is not None:
                safe = value
            self._next += 1
        return safe

    @property
    def pending(self) -> int:
        return self._issued - self._next
