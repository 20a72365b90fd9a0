"""The state store: one SQLite file, one connection, every table of the engine.

WHY one class owning one connection (STYLE.md §4): aiosqlite runs a thread per
connection, SQLite allows one writer at a time, and atomicity across tables
(links + cursor, outbox + history) needs them on the same connection.  So the
repositories (``store.links``, ``store.outbox``, …) are views sharing it, and
nothing connects at import time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from engine.store.cursors import CursorTable
from engine.store.database import Database, Synchronous
from engine.store.errors import DamagedDatabaseError
from engine.store.event_log import EventLog
from engine.store.learned_rates import LearnedRates
from engine.store.links import Links
from engine.store.mappings import Mappings
from engine.store.outbox import Outbox
from engine.store.runs import Runs
from engine.store.schedule import ScheduleState
from engine.store.schema import migrate, schema_version
from engine.store.settings import StoredSettings
from engine.store.skipped import SkippedItems
from engine.store.timestamps import optional_from_text, to_text, utc_now
from engine.store.writebacks import WriteBacks

__all__ = ["LegacyKeys", "Recovery", "StateStore"]


@dataclass(frozen=True)
class Recovery:
    """What start-up recovery found left over from a crash."""

    orders_back_to_waiting: int
    runs_closed: int


@dataclass(frozen=True)
class LegacyKeys:
    """The install id that keys were made from before they came from the store,
    and until when; orders created earlier may be booked under that format."""

    install_id: str
    until: datetime | None


class StateStore:
    """Open with ``await StateStore.open(path)`` or ``async with StateStore.open(path)``."""

    def __init__(
        self, db: Database, install_id: str, clock: Callable[[], datetime], events_keep: int
    ) -> None:
        self._db = db
        self.install_id = install_id
        self.links = Links(db, clock)
        self.skipped = SkippedItems(db, clock)
        self.writebacks = WriteBacks(db, clock)
        self.cursors = CursorTable(db, clock)
        self.outbox = Outbox(db, clock, install_id)
        self.runs = Runs(db, clock)
        self.events = EventLog(db, clock, keep=events_keep)
        self.mappings = Mappings(db, clock)
        self.settings = StoredSettings(db, clock)
        self.rates = LearnedRates(self.settings)  # per host, learned from 429s
        self.schedule = ScheduleState(db, clock)
        #: True when this open created the schema: a new, emptied or deleted file.
        self.fresh = False

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        synchronous: Synchronous = "FULL",
        busy_timeout_ms: int = 10_000,
        clock: Callable[[], datetime] = utc_now,
        events_keep: int = 100_000,
    ) -> _Opening:
        """Connect, migrate to the latest schema, and return the store.

        ``synchronous="FULL"`` (the default) makes every commit durable across
        a power cut, which is what "the order is stored before Woo gets its 200"
        must mean; "NORMAL" survives process crashes but may lose the last
        commits on power loss (faster for bulk tools and tests).
        """

        async def connect() -> StateStore:
            try:
                db = await Database.connect(
                    path, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms
                )
            except sqlite3.DatabaseError as exc:
                raise _damaged(path, exc) from None
            try:
                fresh = await schema_version(db) == 0
                await migrate(db)
                install_id = await db.fetch_value("SELECT value FROM meta WHERE key = 'install_id'")
            except sqlite3.DatabaseError as exc:
                await db.close()
                raise _damaged(path, exc) from None
            except BaseException:
                await db.close()
                raise
            store = cls(db, str(install_id), clock, events_keep)
            store.fresh = fresh
            return store

        return _Opening(connect)

    @property
    def path(self) -> str:
        return self._db.path

    async def close(self) -> None:
        await self._db.close()

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Group calls on any repositories into one atomic unit.

        Nested use (including repository methods, which are transactional on
        their own) becomes a SAVEPOINT: an exception escaping an inner block
        undoes that block only; one escaping the outermost undoes everything.
        Don't await network I/O inside: other tasks wait for the connection.
        """
        return self._db.transaction()

    async def legacy_keys(self) -> LegacyKeys | None:
        """Set when this database (or the one it was recovered from) predates store keys."""
        rows = await self._db.fetch_all(
            "SELECT key, value FROM meta WHERE key IN ('legacy_install_id', 'legacy_keys_until')"
        )
        meta = {row["key"]: row["value"] for row in rows}
        if "legacy_install_id" not in meta:
            return None
        return LegacyKeys(
            meta["legacy_install_id"], optional_from_text(meta.get("legacy_keys_until"))
        )

    async def remember_legacy_keys(self, legacy: LegacyKeys) -> None:
        """Recovery: carry the old install id over from the marker into a new database."""
        until = to_text(legacy.until) if legacy.until else None
        async with self._db.transaction():
            for key, value in (
                ("legacy_install_id", legacy.install_id),
                ("legacy_keys_until", until),
            ):
                if value is not None:
                    await self._db.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
                    )

    async def first_activity(self, connection: str) -> datetime | None:
        """When this database first saw ``connection`` work (a job run or an order)."""
        text = await self._db.fetch_value(
            "SELECT min(at) FROM (SELECT min(started_at) AS at FROM runs WHERE connection = ?"
            " UNION ALL SELECT min(created_at) FROM outbox WHERE connection = ?)",
            (connection, connection),
        )
        return optional_from_text(text)

    async def schema_version(self) -> int:
        return await schema_version(self._db)

    async def integrity_check(self) -> str:
        """SQLite's own verdict on the file: ``"ok"`` or a description of the damage."""
        rows = await self._db.fetch_all("PRAGMA integrity_check")
        return "\n".join(str(row[0]) for row in rows)

    async def recover(self) -> Recovery:
        """Call once at engine start-up, before any worker runs."""
        return Recovery(
            orders_back_to_waiting=await self.outbox.recover_in_flight(),
            runs_closed=await self.runs.close_interrupted(),
        )


def _damaged(path: str | Path, exc: sqlite3.DatabaseError) -> DamagedDatabaseError:
    return DamagedDatabaseError(
        f"the state database {path} is damaged and cannot be opened ({exc})",
        hint=f"Move {path} aside (keep it for a post-mortem) and run `tillsync recover`: it "
        "rebuilds the order links from WooCommerce and the back office, so nothing is "
        "booked twice. Or restore the file from a backup.",
    )


class _Opening:
    """Lets ``StateStore.open`` be both awaited and used with ``async with``."""

    def __init__(self, connect: Callable[[], Awaitable[StateStore]]) -> None:
        self._connect = connect
        self._store: StateStore | None = None

    def __await__(self) -> Generator[Any, None, StateStore]:
        return self._connect().__await__()

    async def __aenter__(self) -> StateStore:
        self._store = await self._connect()
        return self._store

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._store is not None:
            await self._store.close()
