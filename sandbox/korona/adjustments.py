"""Stock adjustments: create, add items, book — the documented way to write stock.

``POST /stockAdjustments`` opens an adjustment (``IN_PROGRESS``) for one
warehouse, ``POST …/items`` adds ``{product, amount, reason}`` lines and
``PATCH …/book`` applies them.  Inferred [I]: ``amount`` is a delta
(negative removes stock); a second item for the same product replaces the
first; changing or booking a booked adjustment is ``405 NOT_PERMITTED``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.korona.catalog import ProductCatalog
from sandbox.korona.masterdata import MasterData
from sandbox.korona.state import Record, RevisionClock, Table
from sandbox.korona.stock import StockLedger
from sandbox.korona.times import now_iso
from sandbox.korona.wire import KoronaError, decimal_field, reference

__all__ = ["StockAdjustments"]


class StockAdjustments:
    """Open and booked stock adjustments with their item lines."""

    def __init__(self, master: MasterData, catalog: ProductCatalog, stock: StockLedger) -> None:
        self.master = master
        self.catalog = catalog
        self.stock = stock
        self.table: Table[Record] = Table()
        self.items: dict[str, Table[Record]] = {}
        self._item_clock = RevisionClock()

    def find(self, key: str) -> Record:
        record = self.table.get(key) or next((r for r in self.table if r.number == key), None)
        if record is None:
            raise KoronaError(404, "MODEL_ID_NOT_FOUND", f"stock adjustment {key!r} does not exist")
        return record

    def create(self, data: dict[str, Any]) -> tuple[str, Record]:
        warehouse = self.master.resolve("organizationalUnits", data.get("warehouse"), "warehouse")
        if warehouse not in self.stock.warehouses:
            raise KoronaError(400, "UNRESOLVED_RELATION", "warehouse must name a warehouse")
        keep = ("reason", "externalId", "receiptNumber", "production")
        body = {k: data[k] for k in keep if data.get(k) is not None}
        body |= {
            "warehouse": self.master.reference("organizationalUnits", warehouse),
            "status": "IN_PROGRESS",
        }
        number = str(data.get("number") or len(self.table) + 1)
        adjustment_id = str(uuid.uuid4())
        self.items[adjustment_id] = Table(self._item_clock)
        return "ADDED", self.table.put(adjustment_id, Record(adjustment_id, number, body))

    def add_item(self, adjustment: Record, data: dict[str, Any]) -> tuple[str, Record]:
        self.require_open(adjustment)
        ref = data.get("product") if isinstance(data.get("product"), dict) else {}
        key = ref.get("id") or ref.get("number")
        product = self.catalog.find(str(key)) if key else None
        if product is None or not product.active:
            raise KoronaError(400, "UNRESOLVED_RELATION", "product does not exist")
        body: dict[str, Any] = {
            "product": reference(product.id, product.number, product.name),
            "amount": decimal_field(data.get("amount"), "amount"),
        }
        if isinstance(data.get("reason"), dict):
            body["reason"] = data["reason"]
        lines = self.items[adjustment.id]
        action = "UPDATED" if lines.get(product.id) else "ADDED"
        return action, lines.put(product.id, _Line(product.id, product.number, body))

    def book(self, adjustment: Record) -> None:
        """Apply every line as a stock delta in the adjustment's warehouse."""
        self.require_open(adjustment)
        warehouse = adjustment.body["warehouse"]["id"]
        for line in self.items[adjustment.id]:
            self.stock.adjust(line.id, warehouse, line.body["amount"])
        stamp = now_iso()
        adjustment.body |= {"status": "BOOKED", "bookingTime": stamp, "finishTime": stamp}
        self.table.put(adjustment.id, adjustment)

    def require_open(self, adjustment: Record) -> None:
        if adjustment.body.get("status") == "BOOKED":
            raise KoronaError(405, "NOT_PERMITTED", "the stock adjustment is already booked")


class _Line(Record):
    """An item line: rendered without id/number/active (StockAdjustmentItem has none)."""

    def to_json(self) -> dict[str, Any]:
        return {**self.body, "revision": self.revision}
