"""Receipt numbers owed to WooCommerce orders: the write-back debts.

A debt is recorded in the transaction that records the sale, so a crash or
a WooCommerce outage delays the write-back but never loses it.  It lives in
its own table, not among the catalog's skipped items, so "clear a skip" on
the products screen can't delete it, and the Orders screen lists it.

A debt is ``owed`` (tried when ``next_attempt_at`` is due; a transient
failure moves it later, backing off) or ``dead`` (WooCommerce refused it for
good — the order was deleted, or the write was rejected): a dead debt waits
for the admin, with a hint, instead of being retried every few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from sqlite3 import Row

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.timestamps import from_text, optional_from_text, to_text

__all__ = ["WriteBackDebt", "WriteBackState", "WriteBacks"]


class WriteBackState(StrEnum):
    OWED = "owed"  # tried again when due
    DEAD = "dead"  # refused for good: waits for the admin


@dataclass(frozen=True)
class WriteBackDebt:
    """One order whose receipt number is not in WooCommerce yet."""

    woo_order_id: int
    state: WriteBackState
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    hint: str
    created_at: datetime
    updated_at: datetime


def _debt(row: Row) -> WriteBackDebt:
    return WriteBackDebt(
        woo_order_id=row["woo_order_id"],
        state=WriteBackState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=optional_from_text(row["next_attempt_at"]),
        last_error=row["last_error"],
        hint=row["hint"],
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
    )


class WriteBacks:
    """The writebacks table; every call is scoped by ``connection``."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def _write(self, sql: str, params: tuple[object, ...]) -> int:
        """One statement in its own transaction (a savepoint inside the caller's)."""
        async with self._db.transaction():
            return await self._db.execute(sql, params)

    async def owe(self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION) -> None:
        """Record the debt (due now); call inside the transaction that records the sale."""
        now = to_text(self._clock())
        await self._write(
            "INSERT INTO writebacks (connection, woo_order_id, state, created_at, updated_at)"
            " VALUES (?, ?, 'owed', ?, ?) ON CONFLICT (connection, woo_order_id) DO UPDATE SET"
            " state = 'owed', attempts = 0, next_attempt_at = NULL, last_error = '',"
            " hint = '', updated_at = excluded.updated_at",
            (connection, woo_order_id, now, now),
        )

    async def due(
        self, now: datetime | None = None, *, connection: str = DEFAULT_CONNECTION
    ) -> list[int]:
        """Owed debts whose time has come, lowest order id first."""
        rows = await self._db.fetch_all(
            "SELECT woo_order_id FROM writebacks WHERE connection = ? AND state = 'owed'"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY woo_order_id",
            (connection, to_text(now or self._clock())),
        )
        return [row["woo_order_id"] for row in rows]

    async def settle(self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION) -> bool:
        """The receipt number is in WooCommerce (or the admin dismissed the debt)."""
        return (
            await self._write(
                "DELETE FROM writebacks WHERE connection = ? AND woo_order_id = ?",
                (connection, woo_order_id),
            )
            > 0
        )

    async def postpone(
        self,
        woo_order_id: int,
        error: str,
        retry_at: datetime,
        *,
        connection: str = DEFAULT_CONNECTION,
    ) -> None:
        """A transient failure: try again at ``retry_at``."""
        await self._update(woo_order_id, connection, "owed", error, "", to_text(retry_at))

    async def dead_letter(
        self, woo_order_id: int, error: str, hint: str, *, connection: str = DEFAULT_CONNECTION
    ) -> None:
        """A permanent refusal: no more attempts until the admin retries it."""
        await self._update(woo_order_id, connection, "dead", error, hint, None)

    async def _update(
        self, order: int, connection: str, state: str, error: str, hint: str, at: str | None
    ) -> None:
        await self._write(
            "UPDATE writebacks SET state = ?, attempts = attempts + 1, next_attempt_at = ?,"
            " last_error = ?, hint = ?, updated_at = ? WHERE connection = ? AND woo_order_id = ?",
            (state, at, error, hint, to_text(self._clock()), connection, order),
        )

    async def retry(self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION) -> bool:
        """The admin's retry: due now, dead or not (attempts are kept)."""
        return (
            await self._write(
                "UPDATE writebacks SET state = 'owed', next_attempt_at = NULL, updated_at = ?"
                " WHERE connection = ? AND woo_order_id = ?",
                (to_text(self._clock()), connection, woo_order_id),
            )
            > 0
        )

    async def get(
        self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> WriteBackDebt | None:
        row = await self._db.fetch_one(
            "SELECT * FROM writebacks WHERE connection = ? AND woo_order_id = ?",
            (connection, woo_order_id),
        )
        return _debt(row) if row is not None else None

    async def entries(self, *, connection: str = DEFAULT_CONNECTION) -> list[WriteBackDebt]:
        """Dead debts first (they need the admin), then by order id."""
        rows = await self._db.fetch_all(
            "SELECT * FROM writebacks WHERE connection = ? ORDER BY state = 'owed', woo_order_id",
            (connection,),
        )
        return [_debt(row) for row in rows]

    async def count(self, *, connection: str = DEFAULT_CONNECTION) -> int:
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM writebacks WHERE connection = ?", (connection,)
            )
        )
