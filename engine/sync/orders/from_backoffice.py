"""Orders taken in the back office, created once in WooCommerce.

Some back offices take orders the web shop must fulfil (a POS's
ship-from-store orders).  A back office declaring ``orders.read`` streams
them (``read_orders``); each is created in WooCommerce once, keyed by its
back-office id: the link ``backoffice_order`` is the memory, written in the
same step that creates the order, and the order carries our receipt meta
(``_tillsync_receipt`` = the back-office id), so the order path sees it as
already booked and never sends it back.  The cursor moves only after a
page's orders are created.  A crash between the create and the link is the
one window left (WooCommerce has no look-up by meta); the order created then
carries ``_tillsync_backoffice_order`` for the admin to find it.
"""

from __future__ import annotations

from typing import Any

from engine.backends.base import Capability
from engine.events import Level, LogEvent
from engine.model import BackofficeOrder
from engine.store import Link
from engine.sync.context import SyncContext
from engine.sync.orders.writeback import RECEIPT_META

__all__ = ["IMPORT_CURSOR", "IMPORT_LINK", "ORIGIN_META", "BackofficeOrderImport"]

IMPORT_LINK = "backoffice_order"
IMPORT_CURSOR = "backoffice_orders"
ORIGIN_META = "_tillsync_backoffice_order"


def _woo_body(order: BackofficeOrder) -> dict[str, Any]:
    c = order.customer
    billing = {"first_name": c.first_name, "last_name": c.last_name, "email": c.email,
               "phone": c.phone, "company": c.company, "address_1": c.address_1,
               "address_2": c.address_2, "city": c.city, "postcode": c.postcode,
               "country": c.country}  # fmt: skip
    lines = [
        {"sku": line.sku, "quantity": int(line.quantity), "subtotal": str(line.total.amount),
         "total": str(line.total.amount)}
        for line in order.lines
    ]  # fmt: skip
    return {
        "status": order.status,
        "currency": order.currency,
        "billing": {k: v for k, v in billing.items() if v},
        "line_items": lines,
        "meta_data": [
            {"key": RECEIPT_META, "value": order.id},
            {"key": ORIGIN_META, "value": f"{order.kind}:{order.id}"},
        ],
    }


class BackofficeOrderImport:
    """``await BackofficeOrderImport(ctx).run()`` → how many orders were created."""

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    @property
    def wanted(self) -> bool:
        return Capability.ORDERS_READ in self.ctx.backend.capabilities

    async def run(self) -> int:
        if not self.wanted:
            return 0
        store, connection = self.ctx.store, self.ctx.connection
        since = await store.cursors.value(IMPORT_CURSOR, connection=connection)
        created = 0
        async for page in self.ctx.backend.read_orders(since):
            for order in page.items:
                created += await self._one(order)
            if page.cursor is not None:
                await store.cursors.set(IMPORT_CURSOR, page.cursor, connection=connection)
        return created

    async def _one(self, order: BackofficeOrder) -> int:
        links, connection = self.ctx.store.links, self.ctx.connection
        if await links.get_by_backoffice_id(IMPORT_LINK, order.id, connection=connection):
            return 0
        made = await self.ctx.woo.post("orders", _woo_body(order))
        await links.upsert(Link(IMPORT_LINK, order.id, int(made["id"])), connection=connection)
        text = f"{self.ctx.backend.name} {order.kind} order {order.id} created as #{made['id']}"
        event = LogEvent(level=Level.INFO, job="orders", connection=connection,
                         entity=f"backoffice_order:{order.id}", text=text)  # fmt: skip
        await self.ctx.store.events.append(event.to_record())
        return 1
