"""Receipts booked through an external POS: numbering, totals, reversals, stock.

Inferred rules [I] (the spec has the fields, not the procedure):

* A receipt ``number`` is unique in the account; a duplicate is a per-item
  ``ERROR`` with ``NUMBER_ALREADY_IN_USE`` in an otherwise 200 batch answer.
* ``total``/``revenue`` are read-only: computed from the items, where an
  item's ``gross = base + not-included taxes`` and ``net = gross - all taxes``
  unless the client sent them.  With ``strict_payments`` (default) the
  payments must add up to the gross total to the cent (``INVALID_MODEL_PROPERTY``).
* A reversal (``reversal: true`` + ``reversedReceipt`` by id or number) marks
  the original ``cancelled: true`` (new revision); reversing a receipt twice,
  or reversing a reversal, is refused with ``INVALID_MODEL_PROPERTY``.
* ``warehouse`` and ``creationTime`` are kept as the client sent them [V:
  both are writable ``Receipt`` fields]; only when absent do they default to
  the POS's warehouse and the server time.  A warehouse that does not exist,
  or an org unit without a warehouse, is ``UNRESOLVED_RELATION``; a time that
  is not ISO 8601 is ``INVALID_MODEL_PROPERTY``.  ``bookingTime`` defaults to
  ``creationTime``.
* References are resolved and answered as ``ModelReference`` (references.py).
* Booking moves stock in the receipt's warehouse by ``-quantity`` for
  products that track inventory (a reversal's negative quantities put it back).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sandbox.korona.catalog import ProductCatalog
from sandbox.korona.masterdata import MasterData
from sandbox.korona.pos import Coupling
from sandbox.korona.references import (
    ITEM_REFERENCES,
    PAYMENT_REFERENCES,
    RECEIPT_REFERENCES,
    TAX_REFERENCES,
    resolve_references,
)
from sandbox.korona.state import Record, Table
from sandbox.korona.stock import StockLedger
from sandbox.korona.times import now_iso, parse_time
from sandbox.korona.wire import KoronaError, decimal_field, reference

__all__ = ["ReceiptBook"]

_CENT = Decimal("0.01")
_SERVER_FIELDS = ("id", "revision", "active", "total", "revenue", "voidedItems", "cancelled")


def _invalid(message: str) -> KoronaError:
    return KoronaError(400, "INVALID_MODEL_PROPERTY", message)


def _item_totals(item: dict[str, Any], i: int) -> dict[str, Any]:
    total = item.get("total")
    if not isinstance(total, dict) or "base" not in total or "taxPayments" not in total:
        raise _invalid(f"items[{i}].total needs base and taxPayments")
    taxes = [t for t in total["taxPayments"] or [] if isinstance(t, dict)]
    amounts = [(decimal_field(t.get("amount", 0), "tax amount"), t.get("included")) for t in taxes]
    base = decimal_field(total["base"], f"items[{i}].total.base")
    gross = base + sum((a for a, included in amounts if included is False), Decimal(0))
    if total.get("gross") is not None:
        gross = decimal_field(total["gross"], f"items[{i}].total.gross")
    net = gross - sum((a for a, _ in amounts), Decimal(0))
    if total.get("net") is not None:
        net = decimal_field(total["net"], f"items[{i}].total.net")
    return {**total, "base": base, "gross": gross, "net": net}


def _time_field(data: dict[str, Any], field: str, default: str) -> str:
    value = data.get(field)
    if value is None:
        return default
    if parse_time(value) is None:
        raise _invalid(f"{field} must be an ISO 8601 date-time")
    return str(value)


class ReceiptBook:
    """All receipts of the account, unique by number."""

    def __init__(self, master: MasterData, catalog: ProductCatalog, stock: StockLedger) -> None:
        self.master = master
        self.catalog = catalog
        self.stock = stock
        self.table: Table[Record] = Table()
        self.by_number: dict[str, str] = {}

    def find(self, key: str) -> Record | None:
        record = self.table.get(key)
        if record is None and key in self.by_number:
            record = self.table.get(self.by_number[key])
        return record

    def book(
        self, pos: Record, state: Coupling, data: dict[str, Any], *, prefix: bool, strict: bool
    ) -> Record:
        """Validate and store one receipt posted through ``pos``."""
        number = self._number(pos, state, data.get("number"), prefix)
        items = self._items(data.get("items"))
        payments = self._payments(data.get("payments"))
        gross = sum((item["total"]["gross"] for item in items), Decimal(0))
        if strict:
            _check_payments(payments, gross)
        original = self._reversed_original(data)
        body = self._body(pos, state, data, items, payments)
        if original is not None:
            body["reversedReceipt"] = reference(original.id, original.number)
        receipt_id = str(uuid.uuid4())
        record = self.table.put(receipt_id, Record(receipt_id, number, body))
        return self._commit(record, pos, state, original)

    def _body(
        self,
        pos: Record,
        state: Coupling,
        data: dict[str, Any],
        items: list[dict[str, Any]],
        payments: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """The stored receipt: what the client sent plus the server-side fields."""
        gross = sum((item["total"]["gross"] for item in items), Decimal(0))
        net = sum((item["total"]["net"] for item in items), Decimal(0))
        body = {k: v for k, v in data.items() if k not in _SERVER_FIELDS}
        body = resolve_references(self.master, body, RECEIPT_REFERENCES, "")
        creation_time = _time_field(data, "creationTime", now_iso())
        body.update(
            items=items,
            payments=payments,
            total={"gross": gross, "net": net, "tax": gross - net},
            revenue={"gross": gross, "net": net},
            cancelled=False,
            voided=bool(data.get("voided", False)),
            reversal=bool(data.get("reversal", False)),
            pointOfSale=self.master.reference("pointsOfSale", pos.id),
            organizationalUnit=pos.body.get("organizationalUnit"),
            warehouse=self._warehouse(pos, data.get("warehouse")),
            creationTime=creation_time,
            bookingTime=_time_field(data, "bookingTime", creation_time),
            zcounter=state.last_zcount,
        )
        return body

    def _warehouse(self, pos: Record, ref: Any) -> dict[str, str] | None:
        """The warehouse the client named (it must hold stock), else the POS's."""
        if ref is None:
            return pos.body.get("warehouse")
        unit = self.master.resolve("organizationalUnits", ref, "warehouse")
        if unit not in self.stock.warehouses:
            raise KoronaError(400, "UNRESOLVED_RELATION", f"warehouse {unit!r} is no warehouse")
        return self.master.reference("organizationalUnits", unit)

    def _commit(
        self, record: Record, pos: Record, state: Coupling, original: Record | None
    ) -> Record:
        """The side effects of a booked receipt: index, counter, original, stock."""
        number = str(record.number)
        self.by_number[number] = record.id
        counter = number.removeprefix(pos.body.get("receiptNumberPrefix", ""))
        if counter.isdigit():
            state.last_receipt_number = max(state.last_receipt_number, int(counter))
        if original is not None:
            original.body["cancelled"] = True
            self.table.put(original.id, original)
        warehouse = (record.body.get("warehouse") or {}).get("id")
        for item in record.body["items"]:
            self._move_stock(item, warehouse)
        return record

    def _move_stock(self, item: dict[str, Any], warehouse: str | None) -> None:
        product = self.catalog.find(item["product"]["id"])
        if product is None or not product.track_inventory or warehouse not in self.stock.warehouses:
            return
        quantity = decimal_field(item.get("quantity", 1), "quantity")
        self.stock.adjust(product.id, warehouse, -quantity)

    def _number(self, pos: Record, state: Coupling, number: Any, prefix: bool) -> str:
        if number is None or number == "":
            number = str(state.last_receipt_number + 1)
        number = str(number)
        if prefix:
            number = f"{pos.body.get('receiptNumberPrefix', '')}{number}"
        if number in self.by_number:
            raise KoronaError(400, "NUMBER_ALREADY_IN_USE", f"receipt number {number!r} is in use")
        return number

    def _items(self, items: Any) -> list[dict[str, Any]]:
        if not isinstance(items, list) or not items:
            raise _invalid("a receipt needs at least one item")
        booked = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise _invalid(f"items[{i}] must be an object")
            product = self._product(item.get("product"), i)
            line = resolve_references(self.master, item, ITEM_REFERENCES, f"items[{i}].")
            booked.append(
                {
                    **line,
                    "id": str(uuid.uuid4()),
                    "index": i,
                    "product": reference(product.id, product.number, product.name),
                    "quantity": decimal_field(item.get("quantity", 1), f"items[{i}].quantity"),
                    "total": self._item_total(item, i),
                }
            )
        return booked

    def _item_total(self, item: dict[str, Any], i: int) -> dict[str, Any]:
        total = _item_totals(item, i)
        where = f"items[{i}].total.taxPayments"
        taxes = [
            resolve_references(self.master, tax, TAX_REFERENCES, f"{where}[{n}].")
            if isinstance(tax, dict)
            else tax
            for n, tax in enumerate(total["taxPayments"] or [])
        ]
        return {**total, "taxPayments": taxes}

    def _product(self, ref: Any, i: int) -> Any:
        if not isinstance(ref, dict):
            raise _invalid(f"items[{i}].product is required")
        for key in (ref.get("id"), ref.get("number")):
            product = self.catalog.find(str(key)) if key else None
            if product is not None and product.active:
                return product
        raise KoronaError(400, "UNRESOLVED_RELATION", f"items[{i}].product does not exist")

    def _payments(self, payments: Any) -> list[dict[str, Any]]:
        booked = []
        for i, payment in enumerate(payments or []):
            if not isinstance(payment, dict):
                raise _invalid(f"payments[{i}] must be an object")
            field = f"payments[{i}].paymentMethod"
            method = self.master.resolve("paymentMethods", payment.get("paymentMethod"), field)
            if method is None:
                raise _invalid(f"{field} is required")
            amount = decimal_field(payment.get("amount", 0), f"payments[{i}].amount")
            ref = self.master.reference("paymentMethods", method)
            payment = resolve_references(self.master, payment, PAYMENT_REFERENCES, f"{field}.")
            booked.append({**payment, "amount": amount, "paymentMethod": ref})
        return booked

    def _reversed_original(self, data: dict[str, Any]) -> Record | None:
        if not data.get("reversal"):
            return None
        ref = data.get("reversedReceipt")
        keys = (ref.get("id"), ref.get("number")) if isinstance(ref, dict) else ()
        original = next((self.find(str(k)) for k in keys if k and self.find(str(k))), None)
        if original is None:
            raise KoronaError(400, "UNRESOLVED_RELATION", "reversedReceipt does not exist")
        if original.body.get("cancelled"):
            raise _invalid(f"receipt {original.number} has already been reversed")
        if original.body.get("reversal"):
            raise _invalid(f"receipt {original.number} is itself a reversal")
        return original


def _check_payments(payments: list[dict[str, Any]], gross: Decimal) -> None:
    paid = sum((p["amount"] for p in payments), Decimal(0))
    if abs(paid - gross) >= _CENT:
        raise _invalid(f"payments ({paid}) do not add up to the receipt total ({gross})")
