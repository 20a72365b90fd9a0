"""NexoPOS orders read back as :class:`LedgerSale` for the nightly reconcile (``sales.list``).

One request: the plain ``GET /api/orders`` answers every order as raw JSON,
newest first [V-run] (the CRUD list is display-formatted: "USD 12,34").
Kept are tillsync's orders (a ``WC-`` title: NexoPOS has no separate POS or
source for web orders, and sales rung up at the till are the shop's own
business, imported by ``sales.read`` when asked) created in the period:
``created_at`` is Laravel's
``Y-m-d H:i:s``, read as UTC [I: NexoPOS renders it in the app's time zone;
set NexoPOS to UTC or expect edge orders on the neighbouring day].  The
sale's key is its ``title`` (tillsync writes its idempotency key there);
a voided (``order_void``) or wholly ``refunded`` order counts as voided, as
that is NexoPOS's void [V].  The order's tax is read from ``tax_value`` when
the answer has it [I]; otherwise tax is not compared.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from engine.backends.ledger import LedgerSale
from engine.backends.nexopos.api import NexoApi
from engine.backends.records import Page
from engine.model import Money
from engine.order_keys import is_sale_key

__all__ = ["list_orders"]

_VOIDED = frozenset({"order_void", "refunded"})


def _created(order: Mapping[str, Any]) -> datetime | None:
    text = str(order.get("created_at") or "")
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sale(order: Mapping[str, Any], currency: str) -> LedgerSale:
    payments = order.get("payments") or ()
    tax = order.get("tax_value")
    return LedgerSale(
        id=str(order["id"]),
        number=str(order.get("code") or order["id"]),
        total=Money(Decimal(str(order.get("total") or 0)), currency),
        booked_gmt=_created(order),
        tax=Money(Decimal(str(tax)), currency) if tax is not None else None,
        payment_method=str(payments[0].get("identifier") or "") if payments else "",
        key=str(order.get("title") or ""),
        voided=order.get("payment_status") in _VOIDED,
    )


async def list_orders(
    api: NexoApi, start: datetime, end: datetime | None
) -> AsyncIterator[Page[LedgerSale]]:
    """The orders created in [start, end) (end None: until now), one page."""
    rows = await api.get("orders")
    currency = api.settings.currency
    sales = []
    for order in rows if isinstance(rows, list) else ():
        moment = _created(order)
        ours = is_sale_key(str(order.get("title") or ""))
        if ours and moment is not None and moment >= start and (end is None or moment < end):
            sales.append(_sale(order, currency))
    yield Page(tuple(sales))
