"""Orders and money: every booked web order has exactly one sale, for the same amounts.

Pure: given the web orders, the back office's sales and the rules, it lists
the differences.  Reading both sides is :mod:`.runner`'s job, so this is
tested without I/O.  A total or tax off by at most one minor unit per
booked line (what per-line rounding makes) is a rounding difference, shown
apart from the real ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from engine.backends.ledger import LedgerSale
from engine.model import Money, Order, minor_places
from engine.reconcile.drift import Drift, DriftKind
from engine.reconcile.matching import SaleBook
from engine.reconcile.period import Period

__all__ = ["NEVER_QUEUED", "MoneyCheck", "compare_orders"]

NEVER_QUEUED = "never reached tillsync's outbox"


@dataclass(frozen=True)
class MoneyCheck:
    """What the comparison needs besides the two sides' records.

    ``payments`` maps a WooCommerce gateway to the back office's method id
    (the admin's mapping); a gateway not mapped is not compared.
    ``outbox`` says in words where an order stands in tillsync's outbox,
    for the likely cause of a missing sale.
    """

    period: Period
    trigger_status: str = "completed"
    void_on: tuple[str, ...] = ("cancelled", "refunded")
    payments: Mapping[str, str] = field(default_factory=dict)
    outbox: Mapping[int, str] = field(default_factory=dict)


def _tolerance(order: Order) -> Decimal:
    lines = len(order.lines) + len(order.fees) + (1 if order.shipping.amount else 0)
    return Decimal(1).scaleb(-minor_places(order.currency)) * max(1, lines)


def _amount_drift(kind: DriftKind, order: Order, shop: Money, booked: Money) -> Drift | None:
    difference = booked.amount - shop.amount
    if difference == 0:
        return None
    rounding = abs(difference) <= _tolerance(order)
    return Drift(
        kind, order.number, f"{kind.value} {shop} in the shop, {booked} in the back office",
        cause="rounding per line" if rounding else "the sale was changed after booking, "
        "or booked by hand with other amounts",
        action="none" if rounding else "listed for a human: money already booked is not changed",
        shop=str(shop.amount), backoffice=str(booked.amount), rounding=rounding,
        order_id=order.woo_id,
    )  # fmt: skip


def _booked_one(order: Order, sale: LedgerSale, check: MoneyCheck) -> list[Drift]:
    drifts = [_amount_drift(DriftKind.TOTAL, order, order.total, sale.total)]
    if sale.tax is not None:
        drifts.append(_amount_drift(DriftKind.TAX, order, order.total_tax, sale.tax))
    expected = check.payments.get(order.payment.method_id)
    if expected and sale.payment_method and expected != sale.payment_method:
        paid = Drift(
            DriftKind.PAYMENT, order.number,
            f"paid by {order.payment.method_id}, booked under {sale.payment_method}",
            cause="payment method changed in the back office or the mapping changed",
            action="listed for a human", shop=expected, backoffice=sale.payment_method,
            order_id=order.woo_id,
        )  # fmt: skip
        drifts.append(paid)
    return [d for d in drifts if d is not None]


def _missing(order: Order, check: MoneyCheck) -> Drift:
    where = check.outbox.get(order.woo_id)
    cause = f"in the outbox ({where})" if where else NEVER_QUEUED
    return Drift(
        DriftKind.MISSING_SALE, order.number, f"order {order.number} ({order.total}) has no sale",
        cause=cause,
        action=f"retry it: tillsync orders retry {order.woo_id}" if where
        else "queue it: tillsync reconcile --book-missing",
        shop=str(order.total.amount), order_id=order.woo_id,
    )  # fmt: skip


def _double(order: Order, sales: list[LedgerSale]) -> Drift:
    numbers = ", ".join(s.number or s.id for s in sales)
    return Drift(
        DriftKind.DOUBLE_SALE, order.number,
        f"order {order.number} is booked {len(sales)} times ({numbers})",
        cause="booked again by hand in the back office",
        action="listed for a human: reverse the extra sale in the back office",
        shop=str(order.total.amount), backoffice=str(sum(s.total.amount for s in sales)),
        order_id=order.woo_id,
    )  # fmt: skip


def _missing_void(order: Order, sale: LedgerSale) -> Drift:
    return Drift(
        DriftKind.MISSING_VOID, order.number,
        f"order {order.number} is {order.status}, sale {sale.number} stands",
        cause="the void did not reach the back office (in the outbox, or lost)",
        action="listed for a human: a void changes money already booked",
        shop=order.status, backoffice=str(sale.total.amount), order_id=order.woo_id,
    )  # fmt: skip


def _check_order(order: Order, book: SaleBook, check: MoneyCheck) -> list[Drift]:
    standing = book.standing(order.woo_id)
    if order.status in check.void_on:
        return [_missing_void(order, standing[0])] if standing else []
    if not standing:
        return [_missing(order, check)]
    if len(standing) > 1:
        return [_double(order, standing)]
    return _booked_one(order, standing[0], check)


def _no_web_order(sale: LedgerSale, reason: str) -> Drift:
    return Drift(
        DriftKind.NO_WEB_ORDER, sale.number or sale.id,
        f"sale {sale.number} ({sale.total}) {reason}",
        cause="sold by hand on tillsync's point of sale, or its web order was deleted",
        action="listed for a human", backoffice=str(sale.total.amount),
    )  # fmt: skip


def _booked_in_period(order: Order, check: MoneyCheck, book: SaleBook) -> bool:
    """A booked order of the period: it reached the trigger in the period (or a
    cancelled one whose sale the back office holds)."""
    if check.period.holds(order.trigger_gmt):
        return True
    return order.status in check.void_on and any(
        check.period.holds(s.booked_gmt) for s in book.by_order.get(order.woo_id, ())
    )


def compare_orders(
    orders: Mapping[int, Order], sales: list[LedgerSale], check: MoneyCheck
) -> list[Drift]:
    """Every difference between the period's web orders and its sales.

    ``orders`` holds the period's orders plus any other order a sale names
    (looked up by the runner), so a sale is "without a web order" only when
    WooCommerce really has none.
    """
    book = SaleBook.of(sales)
    drifts: list[Drift] = []
    for order in orders.values():
        if _booked_in_period(order, check, book):
            drifts += _check_order(order, book, check)
    for sale in book.unnamed:
        if check.period.holds(sale.booked_gmt) and book.stands(sale):
            drifts.append(_no_web_order(sale, "names no web order"))
    for order_id, named in book.by_order.items():
        if order_id in orders:
            continue
        for sale in named:
            if check.period.holds(sale.booked_gmt) and book.stands(sale):
                drifts.append(_no_web_order(sale, f"names web order {order_id}, which is gone"))
    return drifts
