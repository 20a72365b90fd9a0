"""Sitoo orders read back as :class:`LedgerSale` for the nightly reconcile (``sales.list``).

``GET /orders.json`` filtered by ``eshopid`` and ``orderdatefrom``/``orderdateto``
(unix) [V], paged: the period is read once, with a ``fields`` projection
(Sitoo asks for only the fields needed; the list schema requires
``ordertypeid``).  The bounds' inclusiveness is [I], so the times are
checked here too.  Kept are tillsync's orders: an
``externalid`` tillsync wrote (``WC-…``) or the WooCommerce plugin's
``wc-<order id>``; orders Sitoo's own shop or POS made are not.  Totals are
the read-only ``moneytotal_gross_all`` and ``moneyfinal_vat`` [V]; the
payment is the first payment's ``name``.  A cancelled order
(``orderstateid`` 20 [I]) is voided; a refund order names its source in
``creditorderid`` [V] and so reverses it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from engine.backends.ledger import LedgerSale
from engine.backends.records import Page
from engine.backends.sitoo import order_wire
from engine.backends.sitoo.api import SitooApi
from engine.model import Money
from engine.order_keys import is_sale_key

__all__ = ["list_orders"]

_FIELDS = (
    "orderid,externalid,ordertypeid,orderdate,orderstateid,creditorderid,currencycode,"
    "moneytotal_gross_all,moneyfinal_vat,payments"
)


def _money(row: Mapping[str, Any], name: str, currency: str) -> Money | None:
    value = row.get(name)
    return Money(Decimal(str(value)), currency) if value is not None else None


def _sale(row: Mapping[str, Any], fallback_currency: str) -> LedgerSale:
    currency = str(row.get("currencycode") or fallback_currency)
    external = str(row.get("externalid") or "")
    payments = row.get("payments") or ()
    credited = row.get("creditorderid")
    return LedgerSale(
        id=str(row["orderid"]),
        number=str(row["orderid"]),
        total=_money(row, "moneytotal_gross_all", currency) or Money(Decimal(0), currency),
        booked_gmt=datetime.fromtimestamp(int(row["orderdate"]), UTC),
        tax=_money(row, "moneyfinal_vat", currency),
        payment_method=str(payments[0].get("name") or "") if payments else "",
        key=external,
        order_ref=external.removeprefix("wc-") if external.startswith("wc-") else "",
        voided=row.get("orderstateid") == order_wire.CANCELLED,
        reverses=str(credited) if credited else "",
    )


def _ours(row: Mapping[str, Any]) -> bool:
    external = str(row.get("externalid") or "")
    return is_sale_key(external) or external.startswith("wc-")  # wc-: the plugin shops' own


async def list_orders(
    api: SitooApi, currency: str, start: datetime, end: datetime | None
) -> AsyncIterator[Page[LedgerSale]]:
    """tillsync's orders of the site dated in [start, end) (end None: until now)."""
    low, high = int(start.timestamp()), int(end.timestamp()) - 1 if end else None
    params: dict[str, Any] = {"eshopid": api.settings.eshopid, "orderdatefrom": low}
    if high is not None:
        params["orderdateto"] = high
    params["fields"] = _FIELDS
    async for page in api.pages("orders.json", params):
        kept = [
            r for r in page.items
            if _ours(r) and r.get("orderdate") is not None
            and low <= int(r["orderdate"]) and (high is None or int(r["orderdate"]) <= high)
        ]  # fmt: skip
        yield Page(tuple(_sale(r, currency) for r in kept))
