"""Stock levels: one ``ProductStock`` row per (warehouse, product).

Each warehouse has its own revision-ordered table (the per-org-unit
``productStocks?revision=`` feed is the one a sync polls), all sharing one
revision clock because revisions are unique per object *type* [V].
Products with ``trackInventory=false`` have no stock rows at all ([I]: an
org unit's list simply does not contain them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.korona.masterdata import MasterData
from sandbox.korona.products import ProductRow
from sandbox.korona.state import RevisionClock, Table
from sandbox.korona.wire import reference

__all__ = ["StockLedger", "StockRow", "stock_json"]


class StockRow:
    __slots__ = ("actual", "product_id", "reorder_level", "revision", "warehouse_id")

    def __init__(self, product_id: str, warehouse_id: str, actual: Decimal) -> None:
        self.product_id = product_id
        self.warehouse_id = warehouse_id
        self.actual = actual
        self.reorder_level = Decimal(0)
        self.revision = 0


class StockLedger:
    """Stock rows of every warehouse of the account."""

    def __init__(self, warehouse_ids: tuple[str, ...]) -> None:
        self.clock = RevisionClock()
        self.warehouses: dict[str, Table[StockRow]] = {
            wid: Table(self.clock) for wid in warehouse_ids
        }

    def row(self, product_id: str, warehouse_id: str) -> StockRow | None:
        return self.warehouses[warehouse_id].get(product_id)

    def set(self, product_id: str, warehouse_id: str, actual: Decimal) -> StockRow:
        """Set the on-hand amount (a stock-take); bumps the row's revision."""
        table = self.warehouses[warehouse_id]
        row = table.get(product_id) or StockRow(product_id, warehouse_id, actual)
        row.actual = actual
        return table.put(product_id, row)

    def adjust(self, product_id: str, warehouse_id: str, delta: Decimal) -> StockRow:
        """Add ``delta`` (negative for a sale) to the on-hand amount."""
        current = self.row(product_id, warehouse_id)
        base = current.actual if current else Decimal(0)
        return self.set(product_id, warehouse_id, base + delta)

    def for_product(self, product_id: str) -> list[StockRow]:
        rows = (table.get(product_id) for table in self.warehouses.values())
        return sorted((r for r in rows if r is not None), key=lambda r: r.revision)

    @property
    def max_revision(self) -> int:
        return self.clock.current


def stock_json(row: StockRow, product: ProductRow | None, master: MasterData) -> dict[str, Any]:
    """A ``ProductStock`` as the API returns it."""
    product_ref = reference(row.product_id)
    if product is not None:
        number = product.number if product.active else None
        product_ref = reference(product.id, number, product.name)
    return {
        "product": product_ref,
        "warehouse": master.reference("organizationalUnits", row.warehouse_id),
        "amount": {
            "actual": row.actual,
            "lent": 0,
            "ordered": 0,
            "reorderLevel": row.reorder_level,
            "maxLevel": 0,
        },
        "revision": row.revision,
        "listed": True,
    }
