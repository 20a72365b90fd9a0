"""Do the amounts we would book add up to what WooCommerce charged, to the cent?

Back offices take per-line amounts rounded to the currency's smallest unit
(receipt items, invoice lines: cents, yen or fils — see
:func:`engine.model.minor_places`) and add them up; WooCommerce's ``total``
is what the customer paid.  If the two differ, booking would either fail at the back
office (a POS refuses payments that don't match the items) or, worse, book
a receipt that disagrees with the money received.  So the order is held and
the admin sees both sums and the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from engine.model import Money, Order

__all__ = ["TotalsCheck", "check_totals", "to_cents"]

_CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Per-line rounding as the back offices do it: half-up to the cent."""
    return amount.quantize(_CENT, ROUND_HALF_UP)


def _sum(values: list[Money]) -> Decimal:
    return sum((m.to_minor().amount for m in values), Decimal(0))


@dataclass(frozen=True)
class TotalsCheck:
    """The booked sums (per-line cents) next to WooCommerce's totals."""

    currency: str
    booked_total: Decimal
    woo_total: Decimal
    booked_tax: Decimal
    woo_tax: Decimal

    @property
    def ok(self) -> bool:
        return self.booked_total == self.woo_total and self.booked_tax == self.woo_tax

    @property
    def difference(self) -> Decimal:
        return self.booked_total - self.woo_total

    def describe(self) -> str:
        """The hold reason: both sums and the difference, in the order's currency."""
        parts = []
        if self.booked_total != self.woo_total:
            parts.append(
                f"lines, fees and shipping add up to {self.booked_total} {self.currency} but "
                f"WooCommerce's total is {self.woo_total} {self.currency} "
                f"(difference {self.difference:+} {self.currency})"
            )
        if self.booked_tax != self.woo_tax:
            parts.append(
                f"taxes add up to {self.booked_tax} {self.currency} but WooCommerce's total tax "
                f"is {self.woo_tax} {self.currency} "
                f"(difference {self.booked_tax - self.woo_tax:+} {self.currency})"
            )
        return "; ".join(parts) or "totals match"


def check_totals(order: Order) -> TotalsCheck:
    lines = [*order.lines, *order.fees]
    taxes = [ln.tax for ln in lines] + [order.shipping_tax]
    nets = [ln.total for ln in lines] + [order.shipping]
    booked_tax = _sum(taxes)
    return TotalsCheck(
        currency=order.currency,
        booked_total=_sum(nets) + booked_tax,
        woo_total=order.total.to_minor().amount,
        booked_tax=booked_tax,
        woo_tax=order.total_tax.to_minor().amount,
    )
