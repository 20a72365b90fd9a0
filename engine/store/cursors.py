"""Persisted bookmarks of incremental reads: (connection, name) → text.

The table only stores.  Deciding what may be stored (forward only, capped at
the run start, only after the page was applied) is :mod:`engine.cursor`'s job;
write the value in the same transaction as the page's effects, so a crash can
never leave a cursor ahead of the data it vouches for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import from_text, to_text

__all__ = ["CursorTable", "StoredCursor"]


@dataclass(frozen=True)
class StoredCursor:
    name: str
    value: str
    updated_at: datetime


class CursorTable:
    """The cursors table; every call is scoped by ``connection``."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def get(self, name: str, *, connection: str = DEFAULT_CONNECTION) -> StoredCursor | None:
        row = await self._db.fetch_one(
            "SELECT name, value, updated_at FROM cursors WHERE connection = ? AND name = ?",
            (connection, name),
        )
        if row is None:
            return None
        return StoredCursor(row["name"], row["value"], from_text(row["updated_at"]))

    async def value(self, name: str, *, connection: str = DEFAULT_CONNECTION) -> str | None:
        stored = await self.get(name, connection=connection)
        return None if stored is None else stored.value

    async def set(self, name: str, value: str, *, connection: str = DEFAULT_CONNECTION) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO cursors (connection, name, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (connection, name) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (connection, name, value, to_text(self._clock())),
            )

    async def delete(self, name: str, *, connection: str = DEFAULT_CONNECTION) -> bool:
        """Forget a bookmark: the next run of that feed is a full read."""
        async with self._db.transaction():
            return (
                await self._db.execute(
                    "DELETE FROM cursors WHERE connection = ? AND name = ?", (connection, name)
                )
                > 0
            )

    async def entries(self, *, connection: str = DEFAULT_CONNECTION) -> list[StoredCursor]:
        rows = await self._db.fetch_all(
            "SELECT name, value, updated_at FROM cursors WHERE connection = ? ORDER BY name",
            (connection,),
        )
        return [StoredCursor(r["name"], r["value"], from_text(r["updated_at"])) for r in rows]
