"""``tillsync orders backfill --since DATE``: move the start point back, on purpose.

Orders created before the start point are history and never booked (see
:mod:`engine.sync.orders.start_point`).  An admin who wants some of that
history in the back office names an earlier date: :func:`plan_backfill`
counts what would then be booked (a dry run, nothing written anywhere), and
:func:`apply_backfill` moves the start point, makes the orders listed
"before start" since that date due again, and rewinds the orders poll so
the next poll reads the rest.  Orders whose WooCommerce record already
carries a receipt number are linked, never booked (the worker checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.errors import ConfigError
from engine.runtime.connection import ConnectionRuntime
from engine.store import OutboxState
from engine.store.timestamps import to_text
from engine.sync.orders.poll import ORDERS_CURSOR
from engine.sync.orders.start_point import BEFORE_START, StartPoint, created_at
from engine.sync.orders.writeback import receipt_in_woo

__all__ = ["BackfillPlan", "apply_backfill", "plan_backfill"]


@dataclass(frozen=True)
class BackfillPlan:
    """What moving the start point to ``since`` would book."""

    connection: str
    current: datetime | None
    since: datetime
    to_book: int
    already_booked: int


def _refuse_if_configured(conn: ConnectionRuntime) -> None:
    if conn.config.orders.since is not None:
        raise ConfigError(
            f"connections.{conn.name}.orders.since is set in the config "
            f"({conn.config.orders.since:%Y-%m-%d %H:%M} UTC)",
            hint="Change it there (the config wins over a backfill), then restart tillsync.",
        )


async def plan_backfill(conn: ConnectionRuntime, since: datetime) -> BackfillPlan:
    """Count the orders created between ``since`` and the current start point."""
    _refuse_if_configured(conn)
    current = await StartPoint(conn.ctx.store, conn.name).since()
    if current is not None and since >= current:
        raise ConfigError(
            f"{since:%Y-%m-%d %H:%M} UTC is not before the start point "
            f"{current:%Y-%m-%d %H:%M} UTC: nothing to backfill"
        )
    rules = conn.worker.rules if conn.worker else None
    to_book = booked = 0
    async for order in conn.woo.iter_orders(modified_after=since):
        created = created_at(order)
        if created is None or created < since or (current and created >= current):
            continue
        if rules is not None and not rules.tracks(str(order.get("status") or "")):
            continue
        if receipt_in_woo(order) is not None:
            booked += 1
        else:
            to_book += 1
    return BackfillPlan(conn.name, current, since, to_book, booked)


async def apply_backfill(conn: ConnectionRuntime, since: datetime) -> int:
    """Move the start point; returns how many listed orders became due again."""
    _refuse_if_configured(conn)
    store, name = conn.ctx.store, conn.name
    await StartPoint(store, name).set(since)
    reopened = 0
    for entry in await store.outbox.list_by_state(
        OutboxState.SKIPPED, connection=name, limit=100_000
    ):
        created = created_at(entry.payload_data())
        if (entry.last_error or "").startswith(BEFORE_START) and created and created >= since:
            await store.outbox.retry(entry.woo_order_id, connection=name)
            reopened += 1
    await store.cursors.set(ORDERS_CURSOR, to_text(since), connection=name)
    return reopened
