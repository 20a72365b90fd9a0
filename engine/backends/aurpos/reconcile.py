"""AurPOS sells read back as :class:`LedgerSale` for the nightly reconcile (``sales.list``).

``GET sell`` filtered by location and ``start_date``/``end_date`` (dates of
``transaction_date`` [V]), paged: the period is read once.  tillsync writes
``transaction_date`` in UTC, so the UTC dates of the period are asked and
the times filtered here.  Kept are tillsync's sells: our ``source`` tag or
our key in the staff note (``tillsync WC-…``); walk-in sales at the same
location are the shop's own business.  A void is a hard delete [V]: a voided
sale is simply absent.  ``final_total`` is the total [V]; ``tax_amount`` is
read when the answer has it [I] (else tax is not compared); the payment
method is the first payment line's ``method``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from engine.backends.aurpos.api import AurposApi
from engine.backends.ledger import LedgerSale
from engine.backends.records import Page
from engine.model import Money

__all__ = ["list_sells"]

_KEY = re.compile(r"tillsync (WC-[A-Za-z0-9-]+)")


def _when(row: Mapping[str, Any]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(row.get("transaction_date") or "").replace(" ", "T"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sale(row: Mapping[str, Any], key: str, currency: str) -> LedgerSale:
    payments = row.get("payment_lines") or ()
    tax = row.get("tax_amount")
    return LedgerSale(
        id=str(row["id"]),
        number=str(row.get("invoice_no") or row["id"]),
        total=Money(Decimal(str(row.get("final_total") or 0)), currency),
        booked_gmt=_when(row),
        tax=Money(Decimal(str(tax)), currency) if tax is not None else None,
        payment_method=str(payments[0].get("method") or "") if payments else "",
        key=key,
    )


async def list_sells(
    api: AurposApi, location: str, start: datetime, end: datetime | None
) -> AsyncIterator[Page[LedgerSale]]:
    """tillsync's sells at ``location`` in [start, end) (end None: until now)."""
    last = end or datetime.now(UTC)
    params = {"location_id": location, "start_date": start.astimezone(UTC).strftime("%Y-%m-%d"),
              "end_date": last.astimezone(UTC).strftime("%Y-%m-%d")}  # fmt: skip
    source, currency = api.settings.source, api.settings.currency
    async for rows in api.rows("sell", params):
        page = []
        for row in rows:
            found = _KEY.search(str(row.get("staff_note") or ""))
            moment = _when(row)
            ours = found is not None or str(row.get("source") or "") == source
            if ours and moment is not None and start <= moment and (end is None or moment < end):
                page.append(_sale(row, found.group(1) if found else "", currency))
        yield Page(tuple(page))
