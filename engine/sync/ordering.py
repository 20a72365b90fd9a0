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

    def register(self) -> int:
        """Reserve the next sequence number, in reading order."""
        seq = self._issued
        self._issued += 1
        return seq

    def finish(self, seq: int, cursor: T | None) -> T | None:
        """Mark page ``seq`` applied; return the newest cursor now safe to save, if any."""
        if seq < self._next or seq in self._finished:
            raise ValueError(f"page {seq} finished twice")
        self._finished[seq] = cursor
        safe: T | None = None
        while self._next in self._finished:
            value = self._finished.pop(self._next)
            if value is not None:
                safe = value
            self._next += 1
        return safe

    @property
    def pending(self) -> int:
        return self._issued - self._next
