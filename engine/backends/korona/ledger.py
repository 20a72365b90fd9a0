"""KORONA receipts of our External POS read back as :class:`LedgerSale` (reconcile).

One paged read of ``GET /pointsOfSale/{id}/receipts`` filtered by booking
time [V: minBookingTime/maxBookingTime, both inclusive], so the nightly
report reads the back office once.  ``maxBookingTime`` is inclusive, so the
period's exclusive end is sent one second earlier.  ``total`` (gross / net /
tax) is a read-only server field [V]; when it is absent the items' totals are
summed instead (tolerant: which of them KORONA fills for an external POS's
receipt is [I]).  A reversal names its original in ``reversedReceipt`` [I];
the original may carry ``cancelled: true`` [I] - either marks the sale voided.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.backends.korona.api import KoronaApi
from engine.backends.korona.reversals import KEY_REFERENCE
from engine.backends.korona.wire import parse_time, ref_id
from engine.backends.ledger import LedgerSale
from engine.backends.records import Page
from engine.model import Money

__all__ = ["list_receipts", "receipt_as_sale"]

Json = Mapping[str, Any]


def _when(moment: datetime) -> str:
    """RFC 3339 in UTC with its ``Z``: the spec's ``date-time`` format wants the offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount(value: object) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _item_sums(receipt: Json) -> tuple[Decimal, Decimal, dict[Decimal, Decimal]]:
    """Gross, tax and tax per rate summed over the items (``total`` may be absent)."""
    gross, tax, by_rate = Decimal(0), Decimal(0), {}
    for item in receipt.get("items") or ():
        total = item.get("total") or {}
        gross += _amount(total.get("gross", total.get("base")))
        for payment in total.get("taxPayments") or ():
            rate = _amount(payment.get("taxRate")).normalize()
            amount = _amount(payment.get("amount"))
            tax += amount
            by_rate[rate] = by_rate.get(rate, Decimal(0)) + amount
    return gross, tax, by_rate


def receipt_as_sale(receipt: Json, currency: str) -> LedgerSale:
    """One receipt as the books hold it; see the module docstring for what is inferred."""
    gross, tax, by_rate = _item_sums(receipt)
    total = receipt.get("total") or {}
    if total.get("gross") is not None:
        gross = _amount(total["gross"])
    if total.get("tax") is not None:
        tax = _amount(total["tax"])
    refs = receipt.get("externalReferences") or {}
    payments = receipt.get("payments") or ()
    method = ref_id(payments[0].get("paymentMethod")) if payments else None
    reverses = ref_id(receipt.get("reversedReceipt")) if receipt.get("reversal") else None
    return LedgerSale(
        id=str(receipt.get("id") or ""),
        number=str(receipt.get("number") or ""),
        total=Money(gross, currency),
        booked_gmt=parse_time(receipt.get("bookingTime")),
        tax=Money(tax, currency),
        payment_method=method or "",
        key=str(refs.get(KEY_REFERENCE) or ""),
        order_ref=str(refs.get("woocommerce-order-id") or ""),
        voided=bool(receipt.get("cancelled") or receipt.get("voided")),
        reverses=reverses or "",
        tax_by_rate=tuple((rate, Money(v, currency)) for rate, v in sorted(by_rate.items())),
    )


async def list_receipts(
    api: KoronaApi, pos_id: str, start: datetime, end: datetime | None
) -> AsyncIterator[Page[LedgerSale]]:
    """The POS's receipts booked in [start, end), reversals included, page by page."""
    params = {"minBookingTime": _when(start)}
    if end is not None:
        params["maxBookingTime"] = _when(end - timedelta(seconds=1))
    currency = api.settings.currency.upper()
    path = api.path("pointsOfSale", pos_id, "receipts")
    async for page in api.pages(path, params=params):
        yield Page(tuple(receipt_as_sale(r, currency) for r in page.rows.results))
