"""Revision-ordered object tables: the storage under every KORONA resource.

KORONA's change feed is "objects with a greater revision than N", with
revisions unique and increasing per object type.  A :class:`Table` keeps its
rows in a dict whose insertion order *is* revision order (a row that gets a
new revision is moved to the end), so ``since(n)`` walks backwards from the
newest row and stops at the first older one: a poll that finds three changes
among 100 000 products touches three rows.  Full listings are cached until
the next write so paging through a large catalogue is O(page), not O(n).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Record", "RevisionClock", "Revisioned", "Table"]


class RevisionClock:
    """Hands out increasing revision numbers for one object type."""

    def __init__(self, start: int = 0) -> None:
        self.current = start

    def tick(self) -> int:
        self.current += 1
        return self.current


class Revisioned(Protocol):
    revision: int


R = TypeVar("R", bound=Revisioned)


class Record:
    """A small master-data object kept as its JSON body plus bookkeeping.

    Used for everything that is not a product or a stock row (those have
    compact classes of their own because there can be 100 000 of them).
    """

    __slots__ = ("active", "body", "id", "number", "revision")

    def __init__(self, id: str, number: str | None, body: dict[str, Any]) -> None:
        self.id = id
        self.number = number
        self.body = body
        self.revision = 0
        self.active = True

    def to_json(self) -> dict[str, Any]:
        head: dict[str, Any] = {"id": self.id, "revision": self.revision, "active": self.active}
        if self.number is not None and self.active:
            head["number"] = self.number
        return {**self.body, **head}


class Table(Generic[R]):
    """Rows of one object type keyed by id, iterated in revision order."""

    def __init__(self, clock: RevisionClock | None = None) -> None:
        self.clock = clock or RevisionClock()
        self._rows: dict[str, R] = {}
        self._views: dict[Hashable, list[R]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[R]:
        return iter(self._rows.values())

    def get(self, key: str) -> R | None:
        return self._rows.get(key)

    def put(self, key: str, row: R) -> R:
        """Store ``row`` (new or changed) under a fresh revision."""
        row.revision = self.clock.tick()
        self._rows.pop(key, None)
        self._rows[key] = row
        self._views.clear()
        return row

    @property
    def max_revision(self) -> int:
        return self.clock.current

    def since(self, revision: int) -> list[R]:
        """Rows with a revision greater than ``revision``, oldest first."""
        newer: list[R] = []
        for row in reversed(self._rows.values()):
            if row.revision <= revision:
                break
            newer.append(row)
        newer.reverse()
        return newer

    def view(self, key: Hashable, build: Callable[[list[R]], list[R]]) -> list[R]:
        """A derived listing (filtered/sorted), cached until the next write."""
        cached = self._views.get(key)
        if cached is None:
            cached = self._views[key] = build(list(self._rows.values()))
        return cached
