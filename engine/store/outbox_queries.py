"""Read side of the order outbox: what the dashboard, the debugger and the
stock job ask.  Writes live in :mod:`engine.store.outbox`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.outbox_records import (
    NOT_IN_BACKOFFICE,
    OutboxEntry,
    OutboxState,
    OutboxTransition,
    entry_from_row,
)
from engine.store.timestamps import from_text, to_text

__all__ = ["OutboxQueries"]


class OutboxQueries:
    """Queries over the outbox tables; every call is scoped by ``connection``."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def get(
        self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry | None:
        row = await self._db.fetch_one(
            "SELECT * FROM outbox WHERE connection = ? AND woo_order_id = ?",
            (connection, int(woo_order_id)),
        )
        return None if row is None else entry_from_row(row)

    async def by_idempotency_key(self, key: str) -> OutboxEntry | None:
        row = await self._db.fetch_one("SELECT * FROM outbox WHERE idempotency_key = ?", (key,))
        return None if row is None else entry_from_row(row)

    async def list_by_state(
        self,
        state: OutboxState | None = None,
        *,
        connection: str = DEFAULT_CONNECTION,
        limit: int = 100,
        offset: int = 0,
    ) -> list[OutboxEntry]:
        """Most recently changed first; ``state=None`` lists every state."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND (? IS NULL OR state = ?)"
            " ORDER BY updated_at DESC, woo_order_id DESC LIMIT ? OFFSET ?",
            (connection, state, state, limit, offset),
        )
        return [entry_from_row(row) for row in rows]

    async def counts(self, *, connection: str = DEFAULT_CONNECTION) -> dict[OutboxState, int]:
        """Every state with its count, zeros included, for the dashboard."""
        rows = await self._db.fetch_all(
            "SELECT state, count(*) AS n FROM outbox WHERE connection = ? GROUP BY state",
            (connection,),
        )
        counts = dict.fromkeys(OutboxState, 0)
        counts.update({OutboxState(row["state"]): row["n"] for row in rows})
        return counts

    async def oldest_waiting_age(
        self,
        now: datetime | None = None,
        *,
        connection: str = DEFAULT_CONNECTION,
        states: tuple[OutboxState, ...] = (OutboxState.WAITING,),
    ) -> timedelta | None:
        """How long the oldest order in ``states`` has been known; None when there is none."""
        marks = ", ".join("?" for _ in states)
        oldest = await self._db.fetch_value(
            f"SELECT min(created_at) FROM outbox WHERE connection = ? AND state IN ({marks})",
            (connection, *states),
        )
        if oldest is None:
            return None
        return (now or self._clock()) - from_text(oldest)

    async def history(
        self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxTransition]:
        """Every state change of one order, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT at, from_state, to_state, detail FROM outbox_history"
            " WHERE connection = ? AND woo_order_id = ? ORDER BY id",
            (connection, int(woo_order_id)),
        )
        return [
            OutboxTransition(
                at=from_text(r["at"]),
                from_state=OutboxState(r["from_state"]) if r["from_state"] else None,
                to_state=OutboxState(r["to_state"]),
                detail=r["detail"],
            )
            for r in rows
        ]

    async def pending_quantities_by_sku(
        self, connection: str = DEFAULT_CONNECTION
    ) -> dict[str, Decimal]:
        """Quantities sold in Woo but not yet booked in the back office, per SKU.

        The stock job subtracts these from back-office stock before pushing it
        to Woo, so an order in flight never reappears as sellable stock.
        Summed in Decimal here (one query) because SQLite's SUM would be float.
        """
        marks = ", ".join("?" for _ in NOT_IN_BACKOFFICE)
        rows = await self._db.fetch_all(
            "SELECT l.sku, l.quantity FROM outbox_lines l JOIN outbox o"
            " ON o.connection = l.connection AND o.woo_order_id = l.woo_order_id"
            f" WHERE l.connection = ? AND o.state IN ({marks})",
            (connection, *NOT_IN_BACKOFFICE),
        )
        totals: dict[str, Decimal] = {}
        for row in rows:
            totals[row["sku"]] = totals.get(row["sku"], Decimal(0)) + Decimal(row["quantity"])
        return totals

    async def due_voids(
        self, now: datetime | None = None, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxEntry]:
        """Orders to reverse in the back office whose retry time (if any) has come."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND state = 'voiding'"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY woo_order_id",
            (connection, to_text(now or self._clock())),
        )
        return [entry_from_row(row) for row in rows]

    async def revised_after_booking(
        self, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxEntry]:
        """Booked (or voided) orders that Woo changed afterwards: the orders job must
        look at each (cancelled → ``mark_voiding``; harmless → ``acknowledge_revision``).

        WHY a query and not a callback: the work list survives a crash.
        """
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND state IN ('done', 'voided')"
            " AND modified_gmt > claimed_modified_gmt ORDER BY woo_order_id",
            (connection,),
        )
        return [entry_from_row(row) for row in rows]
