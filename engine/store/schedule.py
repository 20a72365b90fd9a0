"""Persisted schedule state: when each job fires next and fired last.

WHY persist it: after a restart the scheduler must know that a nightly job
was due while tillsync was down (and run it once), rather than silently
waiting for the next night.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Row

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import optional_from_text, optional_to_text, to_text

__all__ = ["ScheduleEntry", "ScheduleState"]


@dataclass(frozen=True)
class ScheduleEntry:
    job: str
    next_fire_at: datetime | None
    last_fire_at: datetime | None


def _entry(row: Row) -> ScheduleEntry:
    return ScheduleEntry(
        row["job"], optional_from_text(row["next_fire_at"]), optional_from_text(row["last_fire_at"])
    )


class ScheduleState:
    """The schedule table: (connection, job) → next / last fire time."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def get(self, job: str, *, connection: str = DEFAULT_CONNECTION) -> ScheduleEntry | None:
        row = await self._db.fetch_one(
            "SELECT * FROM schedule WHERE connection = ? AND job = ?", (connection, job)
        )
        return None if row is None else _entry(row)

    async def set_next(
        self, job: str, next_fire_at: datetime | None, *, connection: str = DEFAULT_CONNECTION
    ) -> None:
        """Record the next fire time, keeping the last one."""
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO schedule (connection, job, next_fire_at, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (connection, job) DO UPDATE SET"
                " next_fire_at = excluded.next_fire_at, updated_at = excluded.updated_at",
                (connection, job, optional_to_text(next_fire_at), to_text(self._clock())),
            )

    async def record_fire(
        self,
        job: str,
        fired_at: datetime,
        next_fire_at: datetime | None,
        *,
        connection: str = DEFAULT_CONNECTION,
    ) -> None:
        """A job fired: remember when, and when it fires next, in one write."""
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO schedule (connection, job, next_fire_at, last_fire_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (connection, job) DO UPDATE SET"
                " next_fire_at = excluded.next_fire_at, last_fire_at = excluded.last_fire_at,"
                " updated_at = excluded.updated_at",
                (connection, job, optional_to_text(next_fire_at), to_text(fired_at),
                 to_text(self._clock())),
            )  # fmt: skip

    async def entries(self, *, connection: str = DEFAULT_CONNECTION) -> list[ScheduleEntry]:
        rows = await self._db.fetch_all(
            "SELECT * FROM schedule WHERE connection = ? ORDER BY job", (connection,)
        )
        return [_entry(row) for row in rows]
