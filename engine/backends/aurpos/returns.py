"""Partial refunds as Ultimate POS sell returns: some lines of a booked sell given back.

``POST sell-return`` ``{transaction_id, invoice_no, products: [{sell_line_id,
quantity, unit_price_inc_tax}]}`` [Vd] stores a return whose
``return_parent_id`` is the sell; that it puts the stock back is inferred [I].
There is no idempotency key: the return carries ``<sale key>-R<WooCommerce
refund id>`` as its ``invoice_no``, and the returns are listed first (``GET
list-sell-return`` [V: route; I: its fields]), so a lost answer is found, not
booked twice.  Each refunded line is matched to the sell's line by SKU (the
variation's ``sub_sku``); the unit price given back is the refund's gross
amount per unit.  A sell with a return can no longer be deleted [V]: a later
cancel of the order is refused by the POS and shown as a dead letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.backends.aurpos.api import AurposApi, unwrap
from engine.backends.aurpos.catalog import variations
from engine.backends.records import SaleRef
from engine.errors import ValidationError
from engine.model import PartialRefund, RefundLine

__all__ = ["SellReturnDesk"]

_PLACES = Decimal("0.0001")
Products = Mapping[str, Mapping[str, Any]]


class SellReturnDesk:
    """Books WooCommerce refunds of some lines as returns of the sell they refund."""

    def __init__(self, api: AurposApi, products: Any) -> None:
        self.api = api
        self._products = products  # SellDesk.products: product rows by id (one request)

    async def book(self, ref: SaleRef, refund: PartialRefund) -> SaleRef:
        marker = f"{ref.key or 'WC'}-R{refund.woo_id}"
        async with self.api.write_lock:
            held = await self._held(marker)
            if held is not None:
                return SaleRef(held, marker, marker, existing=True)
            sell = await self._sell(ref)
            lines = [await self._line(sell, line) for line in refund.lines]
            body = {"transaction_id": int(sell["id"]), "invoice_no": marker, "products": lines}
            answer = unwrap(await self.api.send("POST", "sell-return", body))
        stored = answer[0] if isinstance(answer, list) and answer else answer
        if not isinstance(stored, Mapping) or stored.get("id") is None:
            raise ValidationError(f"AurPOS did not store the return {marker}: {answer!r:.200}")
        return SaleRef(str(stored["id"]), marker, marker)

    async def _held(self, marker: str) -> str | None:
        """The id of the return already carrying ``marker`` (a lost answer), or None."""
        async for rows in self.api.rows("list-sell-return"):
            for row in rows:
                if str(row.get("invoice_no")) == marker:
                    return str(row.get("id"))
        return None

    async def _sell(self, ref: SaleRef) -> Mapping[str, Any]:
        rows = unwrap(await self.api.get(f"sell/{ref.id}"))
        found = rows[0] if isinstance(rows, list) and rows else rows
        if not isinstance(found, Mapping) or not found.get("sell_lines"):
            raise ValidationError(f"AurPOS sell {ref.number or ref.id} has no lines to return")
        return found

    async def _line(self, sell: Mapping[str, Any], line: RefundLine) -> dict[str, Any]:
        """The sell's line of the refunded SKU, with the quantity and unit price given back."""
        lines = sell["sell_lines"]
        products: Products = await self._products({str(x["product_id"]) for x in lines})
        for sold in lines:
            row = products.get(str(sold["product_id"]))
            skus = {str(v.get("sub_sku")) for _, v in variations(row or {})
                    if v["id"] == sold["variation_id"]}  # fmt: skip
            if line.sku in skus:
                unit = (line.amount / line.quantity).quantize(_PLACES, ROUND_HALF_UP)
                return {"sell_line_id": sold["id"], "quantity": str(line.quantity),
                        "unit_price_inc_tax": str(unit)}  # fmt: skip
        raise ValidationError(
            f"SKU {line.sku} is not a line of AurPOS sell {sell.get('invoice_no') or sell['id']}"
        )
