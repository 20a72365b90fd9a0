"""Sales made at the till, into WooCommerce as orders: all of a shop's sales in one place.

Optional (the back office declares ``sales.read``).  Each back-office sale
becomes one completed WooCommerce order with the configured shipping method
and payment; a line whose product is linked becomes that product's line, and
a product the till sold without a catalogue entry (a quick product) becomes a
fee line with a note instead of being dropped.

Exactly once: before the order is created a *claim* is stored (a link whose
shop id is 0, holding the claim's time); the order carries the sale's id in
``meta_data``, and the link gets the order's id right after.  A claim found
without an order id (a crash, a lost answer) is settled by reading the
shop's orders created since the claim and matching that meta - never by
creating again blindly.  The cursor moves only after a page is settled.
The order also carries the receipt marks the orders job writes after a
booking, so when its webhook comes back the orders job links it to the sale
instead of booking it into the back office a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.backends.base import Capability, UnsupportedCapability
from engine.backends.records import BackofficeSale, SoldLine
from engine.store.links import Link
from engine.sync.context import SyncContext
from engine.sync.product_writes import PRODUCT
from engine.woo.client import woo_date

__all__ = ["POS_SALE", "POS_SALE_META", "PosSalesImport", "PosSalesReport", "PosSalesSettings"]

POS_SALE = "pos_sale"  # the link kind: back-office sale id ↔ WooCommerce order id
POS_SALE_META = "_tillsync_backoffice_sale"
CURSOR = "pos_sales"
_CLAIM_SLACK = timedelta(minutes=2)  # clocks of shop and tillsync may differ a little


@dataclass(frozen=True)
class PosSalesSettings:
    """How a till sale looks in WooCommerce (the admin's defaults)."""

    shipping_method_id: str = "local_pickup"
    shipping_method_title: str = "Sold in store"
    payment_method: str = "cod"
    payment_method_title: str = "Paid in store"
    customer_id: int = 0  # 0: a guest order


@dataclass
class PosSalesReport:
    imported: int = 0
    already: int = 0  # claimed earlier and found in the shop
    quick_lines: int = 0
    notes: list[str] = field(default_factory=list)


def _receipt_marks(sale: BackofficeSale) -> list[dict[str, str]]:
    # imported here: the orders package runs this import from its poll
    from engine.sync.orders.writeback import RECEIPT_ID_META, RECEIPT_META

    return [{"key": RECEIPT_META, "value": sale.number}, {"key": RECEIPT_ID_META, "value": sale.id}]


class PosSalesImport:
    job = "pos_sales"

    def __init__(self, ctx: SyncContext, settings: PosSalesSettings | None = None) -> None:
        self.ctx = ctx
        self.settings = settings or PosSalesSettings()

    @property
    def wanted(self) -> bool:
        return Capability.SALES_READ in self.ctx.backend.capabilities

    async def run(self) -> PosSalesReport:
        """Run by the orders poll for a back office that declares ``sales.read``."""
        backend = self.ctx.backend
        if not self.wanted:
            raise UnsupportedCapability(backend.name, Capability.SALES_READ)
        report = PosSalesReport()
        store, connection = self.ctx.store, self.ctx.connection
        since = await store.cursors.value(CURSOR, connection=connection)
        async for page in backend.read_sales(since=since):
            for sale in page.items:
                await self._one(sale, report)
            if page.cursor is not None:
                await store.cursors.set(CURSOR, page.cursor, connection=connection)
        return report

    async def _one(self, sale: BackofficeSale, report: PosSalesReport) -> None:
        links, connection = self.ctx.store.links, self.ctx.connection
        link = await links.get_by_backoffice_id(POS_SALE, sale.id, connection=connection)
        if link is not None and link.woo_id:
            return
        if link is not None:  # claimed, order id never recorded: look before creating
            found = await self._find(sale, datetime.fromisoformat(str(link.hash)))
            if found is not None:
                await links.upsert(
                    Link(POS_SALE, sale.id, found, sale.number), connection=connection
                )
                report.already += 1
                return
        claim = Link(POS_SALE, sale.id, 0, sale.number, datetime.now(UTC).isoformat())
        await links.upsert(claim, connection=connection)
        order = await self.ctx.woo.post("orders", await self._order(sale, report))
        await links.upsert(Link(POS_SALE, sale.id, int(order["id"]), sale.number),
                           connection=connection)  # fmt: skip
        report.imported += 1

    async def _find(self, sale: BackofficeSale, claimed: datetime) -> int | None:
        params = {"after": woo_date(claimed - _CLAIM_SLACK), "status": "any"}
        async for page in self.ctx.woo.iter_pages("orders", params):
            for order in page.items:
                meta = {m.get("key"): m.get("value") for m in order.get("meta_data") or []}
                if str(meta.get(POS_SALE_META)) == sale.id:
                    return int(order["id"])
        return None

    async def _order(self, sale: BackofficeSale, report: PosSalesReport) -> dict[str, Any]:
        s = self.settings
        payment = sale.payment_method or s.payment_method
        shipping = sale.shipping_method or s.shipping_method_id
        items, fees = [], []
        for line in sale.lines:
            woo_id = await self._product(line)
            if woo_id is None:
                fees.append({"name": f"{line.name} (sold in store, no shop product)",
                             "total": str(line.total.amount)})  # fmt: skip
                report.quick_lines += 1
            else:
                items.append({"product_id": woo_id, "quantity": int(line.quantity),
                              "total": str(line.total.amount)})  # fmt: skip
        note = f"Sale {sale.number} at the till"
        if fees:
            note += f"; {len(fees)} line(s) without a shop product are fee lines"
        return {
            "status": "completed", "customer_id": s.customer_id,  # paid at the till
            "payment_method": payment, "payment_method_title": s.payment_method_title,
            "line_items": items, "fee_lines": fees, "customer_note": note,
            "shipping_lines": [{"method_id": shipping,
                                "method_title": s.shipping_method_title, "total": "0"}],
            # the receipt marks tell the orders job this order is booked already: the
            # sale *is* the back office's record, so it is linked, never booked again
            "meta_data": [{"key": POS_SALE_META, "value": sale.id}, *_receipt_marks(sale)],
        }  # fmt: skip

    async def _product(self, line: SoldLine) -> int | None:
        if line.backoffice_product_id is None:
            return None
        link = await self.ctx.store.links.get_by_backoffice_id(
            PRODUCT, line.backoffice_product_id, connection=self.ctx.connection
        )
        return link.woo_id if link is not None and link.woo_id else None
