"""KROS documents read back as :class:`LedgerSale` for the nightly reconcile (``sales.list``).

``GET /api/<documents>`` with ``IssueDateFrom``/``IssueDateTo`` [V3: list
filters, dates ``YYYY-MM-DD``], paged: the period is read once; the issue
date is also checked here (tolerant of a server that ignores the filter).
KROS documents carry a date, not a time: a document counts at midnight UTC
of its issue date, the day tillsync issues it for (the UTC day the order
reached its booking status).  Kept are tillsync's documents: ``externalId``
starting ``WC-`` or issued in the connection's numbering sequences (an
invoice the accountant issues there by hand is one without a web order).
A credit note (``invoiceType`` 1) reverses the invoice its
``creditedInvoiceNumber`` names [OBS].  The total is
``prices.documentPrices.totalPriceInclVat`` [OBS], else the items' sum;
``paymentType`` is the text label the payment mapping names; tax is not
read (``VatBreakdowns`` needs ``ExtendedFields``) and so not compared.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from engine.backends.kros.api import KrosApi
from engine.backends.kros.settings import KrosSettings
from engine.backends.ledger import LedgerSale
from engine.backends.records import Page
from engine.model import Money
from engine.order_keys import is_sale_key

__all__ = ["list_documents"]

Row = Mapping[str, Any]


def _issued(row: Row) -> date | None:
    try:
        return date.fromisoformat(str(row.get("issueDate") or "")[:10])
    except ValueError:
        return None


def _total(row: Row) -> Decimal:
    prices = row.get("prices") if isinstance(row.get("prices"), Mapping) else {}
    document = prices.get("documentPrices") if isinstance(prices, Mapping) else None
    if isinstance(document, Mapping) and document.get("totalPriceInclVat") is not None:
        return Decimal(str(document["totalPriceInclVat"]))
    items = row.get("items") or ()
    return sum((Decimal(str(i.get("totalPriceInclVat") or 0)) for i in items), Decimal(0))


def _sale(row: Row, ids_by_number: Mapping[str, str], settings: KrosSettings) -> LedgerSale:
    issued = _issued(row)
    credited = str(row.get("creditedInvoiceNumber") or "")
    prices = row.get("prices") if isinstance(row.get("prices"), Mapping) else {}
    currency = str(row.get("currency") or prices.get("currency") or settings.base_currency)
    return LedgerSale(
        id=str(row.get("id") or ""),
        number=str(row.get("documentNumber") or row.get("id") or ""),
        total=Money(_total(row), currency),
        booked_gmt=datetime.combine(issued, time(0), UTC) if issued else None,
        payment_method=str(row.get("paymentType") or ""),
        key=str(row.get("externalId") or ""),
        reverses=ids_by_number.get(credited, credited) if row.get("invoiceType") == 1 else "",
    )


def _ours(row: Row, settings: KrosSettings) -> bool:
    sequences = {settings.numbering_sequence, settings.credit_note_sequence} - {None}
    key = str(row.get("externalId") or "")
    return is_sale_key(key) or row.get("numberingSequence") in sequences


async def list_documents(
    api: KrosApi, settings: KrosSettings, start: datetime, end: datetime | None
) -> AsyncIterator[Page[LedgerSale]]:
    """tillsync's documents issued from ``start``'s UTC day to ``end``'s (until now)."""
    first = start.astimezone(UTC).date()
    last = (end or datetime.now(UTC)).astimezone(UTC).date()
    params = {"IssueDateFrom": first.isoformat(), "IssueDateTo": last.isoformat()}
    rows = await api.all_rows(settings.resource, params)
    kept = [r for r in rows if _ours(r, settings) and (d := _issued(r)) and first <= d <= last]
    ids = {str(r.get("documentNumber")): str(r.get("id")) for r in kept}
    yield Page(tuple(_sale(r, ids, settings) for r in kept))
