"""Items a job set aside with a reason, so the rest of the batch could go on.

The admin sees them listed with how often and since when they were skipped,
and clears one to have it tried again on the next run ("retry in one step").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import from_text, to_text

__all__ = ["SkippedItem", "SkippedItems"]


@dataclass(frozen=True)
class SkippedItem:
    kind: str
    key: str
    reason: str
    first_seen: datetime
    last_seen: datetime
    attempts: int


def _item(row: Row) -> SkippedItem:
    return SkippedItem(
        kind=row["kind"],
        key=row["key"],
        reason=row["reason"],
        first_seen=from_text(row["first_seen"]),
        last_seen=from_text(row["last_seen"]),
        attempts=row["attempts"],
    )


class SkippedItems:
    """The skipped table; every call is scoped by ``connection``."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self, kind: str, key: str, reason: str, *, connection: str = DEFAULT_CONNECTION
    ) -> SkippedItem:
        """Note a skip; a repeat keeps ``first_seen``, bumps ``attempts``, takes the new reason."""
        now = to_text(self._clock())
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO skipped (connection, kind, key, reason, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (connection, kind, key) DO UPDATE SET"
                " reason = excluded.reason, last_seen = excluded.last_seen,"
                " attempts = attempts + 1",
                (connection, kind, str(key), reason, now, now),
            )
            item = await self.get(kind, key, connection=connection)
        assert item is not None
        return item

    async def get(
        self, kind: str, key: str, *, connection: str = DEFAULT_CONNECTION
    ) -> SkippedItem | None:
        row = await self._db.fetch_one(
            "SELECT * FROM skipped WHERE connection = ? AND kind = ? AND key = ?",
            (connection, kind, str(key)),
        )
        return None if row is None else _item(row)

    async def entries(
        self, kind: str | None = None, *, connection: str = DEFAULT_CONNECTION
    ) -> list[SkippedItem]:
        """Most recently skipped first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM skipped WHERE connection = ? AND (? IS NULL OR kind = ?)"
            " ORDER BY last_seen DESC, kind, key",
            (connection, kind, kind),
        )
        return [_item(row) for row in rows]

    async def is_skipped(
        self, kind: str, key: str, *, connection: str = DEFAULT_CONNECTION
    ) -> bool:
        return await self.get(kind, key, connection=connection) is not None

    async def clear(self, kind: str, key: str, *, connection: str = DEFAULT_CONNECTION) -> bool:
        """Forget one skipped item so the next run tries it again; False if it wasn't there."""
        async with self._db.transaction():
            return (
                await self._db.execute(
                    "DELETE FROM skipped WHERE connection = ? AND kind = ? AND key = ?",
                    (connection, kind, str(key)),
                )
                > 0
            )

    async def clear_all(
        self, kind: str | None = None, *, connection: str = DEFAULT_CONNECTION
    ) -> int:
        async with self._db.transaction():
            return await self._db.execute(
                "DELETE FROM skipped WHERE connection = ? AND (? IS NULL OR kind = ?)",
                (connection, kind, kind),
            )

    async def count(self, *, connection: str = DEFAULT_CONNECTION) -> int:
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM skipped WHERE connection = ?", (connection,)
            )
        )
