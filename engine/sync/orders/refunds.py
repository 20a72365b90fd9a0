"""Partial refunds of a booked order, booked in the back office line by line.

WHY: a WooCommerce refund of some lines leaves the order ``completed`` (only a
full refund makes it ``refunded``, which voids), yet the back office still
shows the whole sale.  A back office declaring ``sales.refund`` gets each new
refund once: the refund's id is linked (kind ``refund``) after the back office
took it, and the adapter looks for a refund it already holds before posting, so
a lost answer books nothing twice.  A refund the back office refuses - or one
a failed earlier attempt left half-written - is logged loudly on the order and
not tried again by itself: a failed write there can leave partial rows, so the
admin checks it first (a later revision of the order tries again).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.backends.base import SaleRef
from engine.events import Level
from engine.model import PartialRefund, RefundLine
from engine.store import Link, OutboxEntry
from engine.sync.context import SyncContext

__all__ = ["REFUND_LINK", "PartialRefunds", "refund_from_woo"]

REFUND_LINK = "refund"  # WooCommerce refund id <-> the back office's refund


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def _refunded_item(item: Mapping[str, Any]) -> str:
    meta = item.get("meta_data") or []
    return next((str(m.get("value")) for m in meta if m.get("key") == "_refunded_item_id"), "")


def refund_from_woo(refund: Mapping[str, Any], order: Mapping[str, Any]) -> PartialRefund:
    """The refund's lines with the SKU of the order line each refunds (gross, positive)."""
    skus = {str(li.get("id")): str(li.get("sku") or "") for li in order.get("line_items") or []}
    lines = []
    for item in refund.get("line_items") or []:
        quantity = abs(_decimal(item.get("quantity")))
        if quantity:
            amount = abs(_decimal(item.get("total")) + _decimal(item.get("total_tax")))
            sku = str(item.get("sku") or skus.get(_refunded_item(item), ""))
            lines.append(RefundLine(sku, quantity, amount))
    return PartialRefund(int(refund["id"]), int(order["id"]), tuple(lines),
                         str(refund.get("reason") or ""))  # fmt: skip


class PartialRefunds:
    """Books the refunds of one booked order that the back office has not got yet."""

    def __init__(self, ctx: SyncContext, log: Callable[..., None]) -> None:
        self._ctx = ctx
        self._log = log

    async def book_new(self, entry: OutboxEntry, sale: SaleRef) -> None:
        links, connection = self._ctx.store.links, self._ctx.connection
        refunds = await self._ctx.woo.list_refunds(entry.woo_order_id)
        for data in sorted(refunds, key=lambda r: int(r["id"])):
            if await links.get_by_woo_id(REFUND_LINK, int(data["id"]), connection=connection):
                continue  # booked already
            refund = refund_from_woo(data, entry.payload_data())
            if not refund.lines:
                self._log(entry, Level.WARNING, f"refund #{refund.woo_id} names no line (an "
                          "amount only): not booked in the back office")  # fmt: skip
                none = Link(REFUND_LINK, f"none-{refund.woo_id}", refund.woo_id)
                await links.upsert(none, connection=connection)
                continue
            await self._book(entry, sale, refund)

    async def _book(self, entry: OutboxEntry, sale: SaleRef, refund: PartialRefund) -> None:
        name = self._ctx.backend.name
        try:
            booked = await self._ctx.backend.refund_sale(sale, refund)
        except Exception as exc:  # every failure is said on the order; never retried blindly
            message = getattr(exc, "message", str(exc))
            self._log(entry, Level.ERROR, f"refund #{refund.woo_id} not booked in {name}: "
                      f"{message} — check the order there, then book it by hand")  # fmt: skip
            return
        link = Link(REFUND_LINK, booked.id or booked.number, refund.woo_id, None)
        await self._ctx.store.links.upsert(link, connection=self._ctx.connection)
        lines = ", ".join(f"{line.quantity} × {line.sku}" for line in refund.lines)
        self._log(entry, Level.WARNING, f"refund #{refund.woo_id} ({lines}) booked in {name} "
                  f"as {booked.number or booked.id}")  # fmt: skip
