"""Sells as ``SellController`` books them: a batch, each element on its own.

``POST sell`` ``{sells: [...]}`` answers 200 with one element per input:
the stored transaction, or a serialized error response [V].  Per element
(``__formatSellData`` [V]): ``location_id`` must be a location of the
business and ``contact_id`` a customer (``findOrFail``); each line's
``product_id``/``variation_id`` must exist and belong together; ``status``
is ``final`` (default) or ``draft``; ``invoice_no`` is kept as given, with
no uniqueness check [V]; the totals are recomputed here, never taken from
the client: a line's ``unit_price_inc_tax`` is ``(unit_price − discount) ×
(1 + rate)`` with 4 decimals (the columns' scale [I]), the sell's
``final_total`` the lines plus ``shipping_charges`` plus ``round_off_amount``.
A final sell takes its lines' stock at its location (products with
``enable_stock``); the Connector does not refuse a sell beyond the stock [I].
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandbox.aurpos.state import AurposSandbox, Row
from sandbox.aurpos.wire import ApiError, element_error

__all__ = ["SellBook"]

_PLACES = Decimal("0.0001")
_STATUSES = frozenset({"final", "draft"})
_SELL_FIELDS = (
    "source", "sale_note", "staff_note", "shipping_details", "shipping_address",
    "shipping_status", "selling_price_group_id", "tax_rate_id", "is_suspend",
)  # fmt: skip


def _dec(value: Any, name: str, default: str = "0") -> Decimal:
    try:
        return Decimal(str(default if value in (None, "") else value))
    except InvalidOperation:
        raise ValueError(f"{name} must be a number") from None


def _q(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, ROUND_HALF_UP)


class SellBook:
    """Creates, lists, updates and deletes sells of one sandbox."""

    def __init__(self, sb: AurposSandbox) -> None:
        self.sb = sb

    def create_all(self, sells: Any, client_name: str) -> list[Row]:
        if not isinstance(sells, list):
            raise ApiError(422, "The given data was invalid.", {"sells": ["must be an array"]})
        return [self._create_one(sell, client_name) for sell in sells]

    def _create_one(self, data: Any, client_name: str) -> Row:
        try:
            with self.sb.lock:
                return self._store(data, client_name)
        except (ValueError, LookupError) as error:
            return element_error(str(error))

    def _store(self, data: Any, client_name: str) -> Row:
        if not isinstance(data, dict):
            raise ValueError("each sell must be an object")
        location = self._location(data.get("location_id"))
        contact = self._customer(data.get("contact_id"))
        status = data.get("status") or "final"
        if status not in _STATUSES:
            raise ValueError(f"status must be final or draft, not {status!r}")
        lines = [self._line(line) for line in data.get("products") or []]
        if not lines:
            raise ValueError("products is required")
        sell_id = self.sb.next_id("sell")
        sell = self._transaction(sell_id, data, location, contact, status, lines)
        sell["created_from_api_client"] = client_name
        if status == "final":
            self._take_stock(sell, -1)
        self.sb.sells[sell_id] = sell
        return dict(sell)

    def _location(self, value: Any) -> Row:
        location = self.sb.locations.get(_int_or_none(value))
        if location is None:
            raise LookupError("No query results for model [App\\BusinessLocation].")
        return location

    def _customer(self, value: Any) -> Row:
        contact = self.sb.contacts.get(_int_or_none(value))
        if contact is None or contact["type"] not in ("customer", "both"):
            raise LookupError("No query results for model [App\\Contact].")
        return contact

    def _line(self, line: Any) -> Row:
        if not isinstance(line, dict):
            raise ValueError("each product must be an object")
        found = self.sb.variations().get(_int_or_none(line.get("variation_id")))
        if found is None or found[0]["id"] != _int_or_none(line.get("product_id")):
            raise LookupError("No query results for model [App\\Variation].")
        product, variation = found
        quantity = _dec(line.get("quantity"), "quantity")
        if quantity <= 0:
            raise ValueError("quantity must be more than 0")
        unit = _dec(line.get("unit_price"), "unit_price", variation["sell_price_inc_tax"])
        discount = _dec(line.get("discount_amount"), "discount_amount")
        rate = self._rate(line.get("tax_rate_id"))
        inc_tax = _q((unit - discount) * (1 + rate / 100))
        return {
            "id": self.sb.next_id("sell_line"),
            "product_id": product["id"], "variation_id": variation["id"],
            "quantity": f"{quantity:.4f}", "unit_price": f"{_q(unit)}",
            "line_discount_amount": f"{_q(discount)}", "tax_id": line.get("tax_rate_id"),
            "item_tax": f"{_q(inc_tax - (unit - discount))}",
            "unit_price_inc_tax": f"{inc_tax}", "sell_line_note": line.get("note") or "",
        }  # fmt: skip

    def _rate(self, tax_id: Any) -> Decimal:
        if tax_id in (None, ""):
            return Decimal(0)
        tax = self.sb.taxes.get(_int_or_none(tax_id))
        if tax is None:
            raise LookupError("No query results for model [App\\TaxRate].")
        return Decimal(str(tax["amount"]))

    def _transaction(
        self, sell_id: int, data: Row, location: Row, contact: Row, status: str, lines: list[Row]
    ) -> Row:
        lines_total = sum(
            (Decimal(x["unit_price_inc_tax"]) * Decimal(x["quantity"]) for x in lines), Decimal(0)
        )
        shipping = _dec(data.get("shipping_charges"), "shipping_charges")
        round_off = _dec(data.get("round_off_amount"), "round_off_amount")
        sell = {
            "id": sell_id, "business_id": self.sb.business_id, "location_id": location["id"],
            "type": "sell", "status": status, "contact_id": contact["id"],
            "invoice_no": data.get("invoice_no") or f"AS{sell_id:04d}",
            "transaction_date": _date(data.get("transaction_date")),
            "total_before_tax": f"{_q(lines_total)}", "shipping_charges": f"{_q(shipping)}",
            "round_off_amount": f"{_q(round_off)}",
            "final_total": f"{_q(lines_total + shipping + round_off)}",
            "is_created_from_api": 1, "woocommerce_order_id": None,
            "payment_status": "due", "sell_lines": lines, "payment_lines": [],
            "invoice_url": f"https://pos.example/invoice/{sell_id}", "payment_link": "",
        }  # fmt: skip
        sell.update({k: data.get(k) for k in _SELL_FIELDS})
        sell["payment_lines"] = _payments(data, sell)
        return sell

    def _take_stock(self, sell: Row, sign: int) -> None:
        variations = self.sb.variations()
        for line in sell["sell_lines"]:
            product, _ = variations[line["variation_id"]]
            if product["enable_stock"]:
                delta = Decimal(line["quantity"]) * sign
                self.sb.add_stock(line["variation_id"], sell["location_id"], delta)

    def update(self, sell_id: int, data: Row) -> Row:
        """``PUT sell/{id}``: scalar fields and ``status`` (a draft made final takes stock)."""
        with self.sb.lock:
            sell = self.sb.sells.get(sell_id)
            if sell is None:
                raise ApiError(404, "No query results for model [App\\Transaction].")
            status = data.get("status", sell["status"])
            if status not in _STATUSES:
                raise ApiError(400, f"status must be final or draft, not {status!r}")
            if status != sell["status"]:
                self._take_stock(sell, -1 if status == "final" else 1)
            sell.update({k: data[k] for k in _SELL_FIELDS if k in data})
            sell["status"] = status
            return dict(sell)

    def delete(self, sell_id: int) -> Row:
        """``deleteSale``: refused after a return; success even for a missing id [V]."""
        with self.sb.lock:
            if sell_id in self.sb.returns:
                msg = "Sell return exists for this sell; it cannot be deleted."
                return {"success": False, "msg": msg}
            sell = self.sb.sells.pop(sell_id, None)
            if sell is not None and sell["status"] == "final":
                self._take_stock(sell, 1)
            return {"success": True, "msg": "Sale deleted successfully"}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> str:
    if not value:
        return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ValueError("transaction_date must be Y-m-d H:i:s") from None


def _payments(data: Row, sell: Row) -> list[Row]:
    if data.get("is_suspend"):
        return []
    payments = []
    for payment in data.get("payments") or []:
        amount = _dec(payment.get("amount"), "amount")
        payments.append({"amount": f"{_q(amount)}", "method": payment.get("method") or "cash"})
    return payments
