"""``recover``'s order side: rebuild the outbox from WooCommerce and the back office.

After a lost, emptied or damaged state database, every order since the start
point is read from WooCommerce into the outbox (earlier ones are listed as
"before start").  Each one still waiting is then settled without booking:

* WooCommerce's order holds our receipt number → linked as booked;
* the back office holds a sale under the order's key (the store-derived
  one, or the pre-change one when the marker remembered the install id)
  → linked as booked, and the receipt number is written back;
* neither → it was never booked: it stays waiting for the worker, which
  books it once (its own look-up runs again first).

Nothing here creates a sale; after it the engine starts with nothing to
re-book.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.backends.base import SaleRef
from engine.store import Link, OrderSource, OutboxEntry, OutboxState
from engine.store.timestamps import to_text
from engine.sync.context import SyncContext
from engine.sync.orders.intake import OrderIntake, payload_text
from engine.sync.orders.mapping import (
    OrderDataError,
    booking_fingerprint,
    order_from_woo,
    parse_gmt,
)
from engine.sync.orders.poll import ORDERS_CURSOR
from engine.sync.orders.rules import sale_key
from engine.sync.orders.voids import ORDER_LINK
from engine.sync.orders.writeback import ReceiptWriteBack, booked_under_legacy_key, receipt_in_woo

__all__ = ["RelinkReport", "relink_orders"]

#: Read a little before the start point: a clock skew must not hide an order.
_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class RelinkReport:
    read: int = 0
    linked_from_woo: int = 0
    linked_from_backoffice: int = 0
    before_start: int = 0
    to_book: int = 0


async def relink_orders(ctx: SyncContext, intake: OrderIntake, since: datetime) -> RelinkReport:
    """Read orders since ``since`` and settle each waiting one; returns the counts."""
    started = datetime.now(since.tzinfo)
    counts = {"read": 0, "woo": 0, "backoffice": 0, "before": 0, "book": 0}
    async for order in ctx.woo.iter_orders(modified_after=since - _OVERLAP):
        counts["read"] += 1
        entry = await _take(ctx, intake, order)
        if entry is None:
            continue
        if entry.state is OutboxState.SKIPPED:
            counts["before"] += 1
        elif entry.state is OutboxState.WAITING:
            counts[await _settle(ctx, entry)] += 1
            await _void_if_cancelled(ctx, intake, entry.woo_order_id)
    await ctx.store.cursors.set(
        ORDERS_CURSOR, to_text(started - timedelta(minutes=2)), connection=ctx.connection
    )
    return RelinkReport(
        counts["read"], counts["woo"], counts["backoffice"], counts["before"], counts["book"]
    )


async def _take(ctx: SyncContext, intake: OrderIntake, order: dict) -> OutboxEntry | None:
    """Into the outbox as the poll would; an order WooCommerce says we booked is taken
    whatever its status (cancelled since: its receipt must still be reversed)."""
    try:
        modified = parse_gmt(order.get("date_modified_gmt"), "date_modified_gmt")
        await intake.offer(order, modified, OrderSource.POLL)
        entry = await ctx.store.outbox.get(int(order["id"]), connection=ctx.connection)
        if entry is None and receipt_in_woo(order) is not None:
            await ctx.store.outbox.enqueue(
                int(order["id"]),
                modified,
                payload_text(order),
                OrderSource.POLL,
                connection=ctx.connection,
                lines=(),
                idempotency_key=intake.order_key(int(order["id"])),
            )
    except (OrderDataError, KeyError, TypeError, ValueError):
        return None
    return await ctx.store.outbox.get(int(order["id"]), connection=ctx.connection)


async def _void_if_cancelled(ctx: SyncContext, intake: OrderIntake, order_id: int) -> None:
    """A booked order WooCommerce now has cancelled or refunded: reversed once, as usual
    (the back office's look-up finds a reversal that already exists)."""
    entry = await ctx.store.outbox.get(order_id, connection=ctx.connection)
    status = str(entry.payload_data().get("status") or "") if entry else ""
    if entry is not None and entry.state is OutboxState.DONE and intake.rules.voids(status):
        reason = f"recovered: WooCommerce status {status!r} after booking"
        await ctx.store.outbox.mark_voiding(order_id, reason, connection=ctx.connection)


async def _settle(ctx: SyncContext, entry: OutboxEntry) -> str:
    """Which witness knew the booking: "woo", "backoffice", or "book" (none did)."""
    sale = receipt_in_woo(entry.payload_data())
    if sale is not None:
        await _link(ctx, entry, sale, owe_write_back=False)
        return "woo"
    sale = await ctx.backend.find_sale(sale_key(entry))
    sale = sale or await booked_under_legacy_key(ctx, entry)
    if sale is not None:
        await _link(ctx, entry, sale, owe_write_back=True)
        return "backoffice"
    return "book"


async def _link(
    ctx: SyncContext, entry: OutboxEntry, sale: SaleRef, *, owe_write_back: bool
) -> None:
    try:
        fingerprint = booking_fingerprint(order_from_woo(entry.payload_data()))
    except OrderDataError as exc:
        fingerprint = f"unreadable: {exc.message}"
    number = sale.number or sale.id
    link = Link(ORDER_LINK, sale.id or number, entry.woo_order_id, number, fingerprint)
    store, connection = ctx.store, ctx.connection
    async with store.transaction():
        await store.outbox.claim(entry.woo_order_id, connection=connection)
        await store.outbox.mark_done(
            entry.woo_order_id,
            number,
            detail=f"recovered: booked as {number}",
            connection=connection,
        )
        await store.links.upsert(link, connection=connection)
        if owe_write_back:
            await ReceiptWriteBack(ctx).owe(entry.woo_order_id)
