"""Sales rung up at the NexoPOS till, read for the shop's order records (``sales.read``).

NexoPOS has no change feed [V]; orders get increasing ids, so the cursor is
the highest order id settled.  The CRUD list ``ns.orders`` (newest first [I])
is paged only until it reaches the cursor; each new order is then read raw
(``orders/{id}`` and ``orders/{id}/products``: the CRUD rows are
display-formatted).  Off unless ``import_till_sales``.  Orders tillsync
booked itself (a ``WC-`` title) and orders not paid (unpaid, held, voided,
refunded) are passed over.  Without a
cursor the read starts at the newest order: history is not imported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from engine.backends.base import Cursor, Page
from engine.backends.nexopos.api import NexoApi
from engine.backends.records import BackofficeSale, SoldLine
from engine.model import Money
from engine.order_keys import is_sale_key

__all__ = ["read_till_sales"]

_PAID = frozenset({"paid", "partially_paid"})


async def _new_ids(api: NexoApi, after: int) -> list[int]:
    found: list[int] = []
    async for rows, _total in api.crud_pages("ns.orders"):
        ids = [int(r["id"]) for r in rows]
        found += [i for i in ids if i > after]
        if not ids or min(ids) <= after:
            break
    return sorted(found)


def _sale(order: dict[str, Any], lines: list[dict[str, Any]], api: NexoApi) -> BackofficeSale:
    currency, settings = api.settings.currency, api.settings
    sold = tuple(
        SoldLine(
            name=str(line.get("name") or ""),
            quantity=Decimal(str(line.get("quantity") or 0)),
            total=Money(Decimal(str(line.get("total_price") or 0)), currency),
            backoffice_product_id=str(line["product_id"]) if line.get("product_id") else None,
        )
        for line in lines
    )
    total = Money(Decimal(str(order.get("total") or 0)), currency)
    number = str(order.get("code") or order["id"])
    return BackofficeSale(
        str(order["id"]), number, sold, total,
        payment_method=settings.till_sales_payment, shipping_method=settings.till_sales_shipping,
    )  # fmt: skip


async def read_till_sales(
    api: NexoApi, since: Cursor | None
) -> AsyncIterator[Page[BackofficeSale]]:
    """Nothing (no request) unless ``import_till_sales`` is on."""
    if not api.settings.import_till_sales:
        return
    if not since:
        newest = await _new_ids(api, 0)
        yield Page((), str(newest[-1] if newest else 0))
        return
    for order_id in await _new_ids(api, int(since)):
        order = await api.get(f"orders/{order_id}")
        if is_sale_key(str(order.get("title") or "")) or order.get("payment_status") not in _PAID:
            yield Page((), str(order_id))
            continue
        lines = await api.get(f"orders/{order_id}/products")
        yield Page((_sale(order, lines or [], api),), str(order_id))
