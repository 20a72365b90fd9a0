"""Out-of-stock drafts: which of their lines are short now, and their record for the admin.

WHY apart from :mod:`.sells`: the console lists these drafts with what is
still short (a SKU, how many are in stock against how many were ordered) so
the admin knows before pressing "finalise" whether the POS has the stock
back.  The staff note says which SKUs were short when the order was booked
(see :mod:`.sell_body`); the stock now comes from the products' location
details, read once for every draft listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.backends.aurpos.catalog import variations
from engine.backends.aurpos.sell_body import OUT_OF_STOCK, stock_at
from engine.backends.records import DraftSale

__all__ = ["draft_record", "product_ids", "shortages"]


def product_ids(sells: list[Mapping[str, Any]]) -> set[str]:
    """Every product the lines of ``sells`` name (one read for them all)."""
    return {str(line["product_id"]) for sell in sells for line in sell.get("sell_lines") or []}


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def shortages(
    sell: Mapping[str, Any], products: Mapping[str, Mapping[str, Any]], location: str
) -> list[str]:
    """The lines short of stock at ``location`` now, e.g. ``TEE-M 1 of 2``; [] when none."""
    short = []
    for line in sell.get("sell_lines") or []:
        row = products.get(str(line["product_id"]))
        found = (
            next((v for _, v in variations(row) if v["id"] == line["variation_id"]), None)
            if row is not None
            else None
        )
        if row is None or found is None:
            short.append(f"product {line['product_id']} gone")
            continue
        wanted = Decimal(str(line["quantity"]))
        available = stock_at(found, location)
        if row.get("enable_stock") and available < wanted:
            sku = found.get("sub_sku") or row.get("sku") or line["variation_id"]
            short.append(f"{sku} {_number(max(available, Decimal(0)))} of {_number(wanted)}")
    return short


def draft_record(row: Mapping[str, Any], short_now: list[str] | None = None) -> DraftSale:
    """The admin's record of a draft; ``short_now`` None: the stock was not read.

    The SKUs short when it was booked follow the marker in the staff note;
    with the stock read, the detail says what is short now, or that the
    stock is back (finalising makes it final).
    """
    note = str(row.get("staff_note") or "")
    booked_short = note.split(OUT_OF_STOCK, 1)[-1].split(" · ", 1)[0].strip()
    if short_now:
        detail = f"short: {', '.join(short_now)}"
    elif short_now is not None:
        detail = f"stock back (was short: {booked_short})" if booked_short else "stock back"
    else:
        detail = f"out of stock: {booked_short}" if booked_short else "out of stock"
    return DraftSale(
        id=str(row.get("id")),
        number=str(row.get("invoice_no") or row.get("id")),
        date=str(row.get("transaction_date") or ""),
        total=str(row.get("final_total") or ""),
        detail=detail,
        stock_back=None if short_now is None else not short_now,
    )
