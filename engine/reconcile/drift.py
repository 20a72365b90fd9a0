"""The drift report's records: one difference, and the report of one period.

Frozen dataclasses of plain values (text, Decimal, dates) so a report
travels over the control socket and into a JSON file unchanged.  A rounding
difference (a cent or two, what per-line rounding makes) is a
:class:`Drift` with ``rounding=True``: shown, but apart from the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = ["Drift", "DriftKind", "DriftReport", "TotalsRow"]


class DriftKind(StrEnum):
    MISSING_SALE = "missing_sale"  # a web order that reached the trigger has no sale
    DOUBLE_SALE = "double_sale"  # more than one sale for one web order
    TOTAL = "total"  # the sale's total differs from the order's
    TAX = "tax"
    PAYMENT = "payment"  # booked under another payment method than the gateway maps to
    MISSING_VOID = "missing_void"  # a cancelled/refunded order whose sale stands
    NO_WEB_ORDER = "no_web_order"  # a sale of our POS with no WooCommerce order
    PRODUCT_MISSING = "product_missing"  # in the back office, not in the shop
    PRICE = "price"
    STOCK = "stock"
    SET_ASIDE = "set_aside"  # a product the catalog job keeps setting aside


@dataclass(frozen=True)
class Drift:
    """One difference; ``subject`` is the order number or the SKU it is about.

    ``shop`` / ``backoffice`` are each side's value as text; ``cause`` the
    likely reason in words; ``action`` what reconcile did or what a human
    must do.  ``order_id`` / ``woo_product_id`` let a screen jump to it.
    """

    kind: DriftKind
    subject: str
    detail: str
    cause: str = ""
    action: str = ""
    shop: str = ""
    backoffice: str = ""
    rounding: bool = False
    order_id: int | None = None
    woo_product_id: int | None = None


@dataclass(frozen=True)
class TotalsRow:
    """One line of the totals table: a day, a payment method or a tax rate."""

    group: str  # "day", "payment", "tax rate"
    key: str
    shop: Decimal
    backoffice: Decimal

    @property
    def difference(self) -> Decimal:
        return self.backoffice - self.shop


@dataclass(frozen=True)
class DriftReport:
    """Everything one reconciliation found for one connection and period."""

    connection: str
    period: str
    start: str  # ISO instants, UTC
    end: str
    orders_read: int = 0
    sales_read: int = 0
    drifts: tuple[Drift, ...] = ()
    totals: tuple[TotalsRow, ...] = ()
    notes: tuple[str, ...] = ()  # what was not compared, and why
    money_compared: bool = True
    dry_run: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def real(self) -> tuple[Drift, ...]:
        return tuple(d for d in self.drifts if not d.rounding)

    @property
    def rounding(self) -> tuple[Drift, ...]:
        return tuple(d for d in self.drifts if d.rounding)

    def counts(self) -> dict[str, int]:
        """Real differences per kind, for the summary line and the event."""
        counts: dict[str, int] = {}
        for drift in self.real:
            counts[drift.kind.value] = counts.get(drift.kind.value, 0) + 1
        return counts

    @property
    def summary(self) -> str:
        real, rounding = len(self.real), len(self.rounding)
        text = f"{self.period}: {real} difference{'' if real == 1 else 's'}"
        if rounding:
            text += f" (+{rounding} rounding)"
        if not self.money_compared:
            text += "; orders and money not compared"
        return text
