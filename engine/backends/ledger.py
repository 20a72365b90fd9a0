"""What a back office booked, read back for reconciliation (``Backend.list_sales``).

Kept apart from :mod:`engine.backends.records` because only the reconcile
job reads it: a sale as the books hold it (total, tax, payment method,
tillsync's key, voided or not), not as tillsync sent it.  Every field an
adapter cannot fill stays empty; the comparison then says "not compared"
for it instead of calling a difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from engine.model import Money

__all__ = ["LedgerSale"]


@dataclass(frozen=True)
class LedgerSale:
    """One sale document of this connection's POS, warehouse or source.

    ``total`` is what the customer paid, tax included (negative for a
    reversal); ``tax`` its tax, None when the back office does not say.
    ``key`` is tillsync's idempotency key when tillsync booked it ("" for a
    sale made by hand); ``order_ref`` the WooCommerce order id it names, if any.
    ``voided``: the back office marks it cancelled or voided.  ``reverses``:
    this document is a reversal (a storno, a credit note) of that sale id.
    ``tax_by_rate`` is (rate in percent, tax) per rate when the back office tells.
    """

    id: str
    number: str
    total: Money
    booked_gmt: datetime | None
    tax: Money | None = None
    payment_method: str = ""
    key: str = ""
    order_ref: str = ""
    voided: bool = False
    reverses: str = ""
    tax_by_rate: tuple[tuple[Decimal, Money], ...] = ()
