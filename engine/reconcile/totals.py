"""Totals per day, per payment method and per tax rate on both sides.

A difference the per-order check already names shows here too; the table
is what an accountant ticks off against the till's day report.  The shop's
side counts the period's booked orders that were not cancelled; the back
office's the period's sales that still stand.  A payment method is named
by the back office's id when the gateway is mapped, else ``woo:<gateway>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from decimal import Decimal

from engine.backends.ledger import LedgerSale
from engine.model import Order
from engine.reconcile.drift import TotalsRow
from engine.reconcile.matching import SaleBook
from engine.reconcile.money import MoneyCheck

__all__ = ["totals_table"]

Sums = dict[tuple[str, str], list[Decimal]]  # (group, key) -> [shop, back office]


def _add(sums: Sums, group: str, key: str, side: int, amount: Decimal) -> None:
    sums.setdefault((group, key), [Decimal(0), Decimal(0)])[side] += amount


def _day(moment: datetime | None, tz: tzinfo) -> str:
    return str(moment.astimezone(tz).date()) if moment else "unknown"


def _shop(sums: Sums, orders: Iterable[Order], check: MoneyCheck, tz: tzinfo) -> None:
    for order in orders:
        if not check.period.holds(order.trigger_gmt) or order.status in check.void_on:
            continue
        gateway = order.payment.method_id
        method = check.payments.get(gateway) or f"woo:{gateway}"
        _add(sums, "day", _day(order.trigger_gmt, tz), 0, order.total.amount)
        _add(sums, "payment", method, 0, order.total.amount)
        for line in (*order.lines, *order.fees):
            if line.tax_rate is not None:
                _add(
                    sums,
                    "tax rate",
                    f"{format(line.tax_rate.normalize(), 'f')}%",
                    0,
                    line.tax.amount,
                )


def _backoffice(sums: Sums, sales: Iterable[LedgerSale], check: MoneyCheck, tz: tzinfo) -> None:
    book = SaleBook.of(sales)
    for sale in book.originals():
        if not check.period.holds(sale.booked_gmt) or not book.stands(sale):
            continue
        _add(sums, "day", _day(sale.booked_gmt, tz), 1, sale.total.amount)
        _add(sums, "payment", sale.payment_method or "unknown", 1, sale.total.amount)
        for rate, tax in sale.tax_by_rate:
            _add(sums, "tax rate", f"{format(rate.normalize(), 'f')}%", 1, tax.amount)


def totals_table(
    orders: Mapping[int, Order], sales: list[LedgerSale], check: MoneyCheck, tz: tzinfo
) -> tuple[TotalsRow, ...]:
    """Rows sorted by group then key; tax rates only when both sides tell them."""
    sums: Sums = {}
    _shop(sums, orders.values(), check, tz)
    _backoffice(sums, sales, check, tz)
    rates = [v for (g, _), v in sums.items() if g == "tax rate"]
    both = any(v[0] for v in rates) and any(v[1] for v in rates)
    return tuple(
        TotalsRow(group, key, shop, bo)
        for (group, key), (shop, bo) in sorted(sums.items())
        if group != "tax rate" or both
    )
