"""Warehouses and their items: reading stock, setting it, moving it.

[V] stock is kept per warehouse by SKU; ``decimaltotal`` can be set through
``PUT warehouseitems.json`` only on a Virtual warehouse (type 20);
transactions (``POST warehousetransactions.json``, at most 1000 per request)
cannot be added to a Virtual warehouse.  ``datelastmodified`` is the last time
the item was part of a transaction; ``datelastmodifiedfrom``/``to`` filter on
it (inclusive [I]).  ``decimalavailable`` = total minus reserved [I].
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.sitoo.account import WAREHOUSE_VIRTUAL, SitooSandbox
from sandbox.sitoo.wire import SitooError, decimal3

__all__ = ["adjust", "item_row", "set_total", "warehouse"]


def warehouse(sb: SitooSandbox, raw: str) -> dict[str, Any]:
    row = sb.warehouses.get(int(raw)) if str(raw).lstrip("-").isdigit() else None
    if row is None:
        raise SitooError(404, f"Invalid URL: warehouse {raw} not found")
    return row


def _item(sb: SitooSandbox, warehouseid: int, sku: str) -> dict[str, Any]:
    items = sb.warehouse_items.setdefault(warehouseid, {})
    if sku not in items:
        items[sku] = {
            "warehouseitemid": sb.next_id("warehouseitem"),
            "warehouseid": warehouseid,
            "sku": sku,
            "total": Decimal(0),
            "reserved": Decimal(0),
            "datelastmodified": sb.now(),
        }
    return items[sku]


def item_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "warehouseitemid": row["warehouseitemid"],
        "warehouseid": row["warehouseid"],
        "sku": row["sku"],
        "decimaltotal": decimal3(row["total"]),
        "decimalreserved": decimal3(row["reserved"]),
        "decimalavailable": decimal3(row["total"] - row["reserved"]),
        "decimalthreshold": "0.000",
        "moneytotal": "0.00",
        "datelastmodified": row["datelastmodified"],
    }


def set_total(sb: SitooSandbox, warehouseid: int, sku: str, total: Decimal) -> int:
    """The Virtual-warehouse write (caller holds the lock and checked the type)."""
    item = _item(sb, warehouseid, sku)
    item["total"], item["datelastmodified"] = total, sb.now()
    return item["warehouseitemid"]


def adjust(
    sb: SitooSandbox,
    warehouseid: int,
    sku: str,
    delta: Decimal = Decimal(0),
    reserve: Decimal = Decimal(0),
    kind: str = "manual",
) -> None:
    """Move stock (a sale, a delivery, a transaction) and log it as a transaction."""
    item = _item(sb, warehouseid, sku)
    item["total"] += delta
    item["reserved"] = max(item["reserved"] + reserve, Decimal(0))
    item["datelastmodified"] = sb.now()
    if delta:
        sb.transactions.append(
            {
                "warehousetransactionid": sb.next_id("transaction"),
                "warehouseid": warehouseid,
                "datecreated": sb.now(),
                "kind": kind,
                "sku": sku,
                "decimalquantity": delta,
            }
        )


def require_not_virtual(row: dict[str, Any]) -> None:
    if row["warehousetype"] == WAREHOUSE_VIRTUAL:
        raise SitooError(400, "Transactions cannot be added to warehouses with type Virtual")


def require_virtual(row: dict[str, Any]) -> None:
    if row["warehousetype"] != WAREHOUSE_VIRTUAL:
        raise SitooError(400, "decimaltotal can only be set for warehouses with type Virtual")
