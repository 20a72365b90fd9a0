"""The orders-and-money comparison, without I/O: what counts as rounding, what as drift,
and a back office that cannot list its sales says so instead of reporting 0."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from engine.backends.base import BackendBase, Capability
from engine.backends.ledger import LedgerSale
from engine.events import EventBus
from engine.model import Customer, Money, Order, OrderLine, Payment
from engine.reconcile import DriftKind, Reconciliation, days, period_of
from engine.reconcile.money import MoneyCheck, compare_orders
from engine.store import StateStore
from engine.sync.context import SyncContext
from engine.sync.orders.rules import OrderRules
from engine.transport import RequestStats

DAY = days(date(2026, 12, 2), date(2026, 12, 2), UTC)
NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


def line(total: str) -> OrderLine:
    return OrderLine("A1", "Tea", Decimal(1), eur(total), eur(total), eur("0"))


def order(woo_id: int, total: str, *, lines: int = 1, status: str = "completed") -> Order:
    return Order(
        woo_id=woo_id, number=str(woo_id), status=status, currency="EUR",
        customer=Customer(email="a@example.com"), lines=tuple(line(total) for _ in range(lines)),
        payment=Payment("bacs", "Bank", eur(total)), shipping=eur("0"), shipping_tax=eur("0"),
        discount=eur("0"), total=eur(total), total_tax=eur("0"), prices_include_tax=True,
        modified_gmt=NOON, created_gmt=NOON, trigger_gmt=NOON,
    )  # fmt: skip


def sale(order_id: int | None, total: str, **extra: object) -> LedgerSale:
    key = f"WC-shop-{order_id}-0" if order_id is not None else ""
    values = {"id": f"s{order_id}", "number": key or "hand-1", "total": eur(total)}
    return LedgerSale(**(values | {"booked_gmt": NOON, "tax": eur("0"), "key": key} | extra))


def kinds(orders: list[Order], sales: list[LedgerSale]) -> list[tuple[DriftKind, bool]]:
    found = compare_orders({o.woo_id: o for o in orders}, sales, MoneyCheck(DAY))
    return [(d.kind, d.rounding) for d in found]


def test_one_cent_per_line_is_rounding_and_more_is_a_real_difference() -> None:
    assert kinds([order(1, "10.00", lines=2)], [sale(1, "10.02")]) == [(DriftKind.TOTAL, True)]
    assert kinds([order(1, "10.00", lines=2)], [sale(1, "10.03")]) == [(DriftKind.TOTAL, False)]
    assert kinds([order(1, "10.00")], [sale(1, "10.00")]) == []


def test_a_reversed_sale_no_longer_stands() -> None:
    cancelled = order(1, "5.00", status="cancelled")
    void = sale(1, "-5.00", id="v1", key="WC-shop-1-0-V", reverses="s1")
    assert kinds([cancelled], [sale(1, "5.00"), void]) == []
    assert kinds([cancelled], [sale(1, "5.00")]) == [(DriftKind.MISSING_VOID, False)]
    # a sale voided by reversal and booked again is one sale, not two
    again = sale(1, "5.00", id="s1b", key="WC-shop-1-1")
    assert kinds([order(1, "5.00")], [sale(1, "5.00"), void, again]) == []


def test_sales_outside_the_period_and_unknown_orders() -> None:
    tomorrow = replace(sale(None, "3.00"), booked_gmt=NOON + timedelta(days=1))
    assert kinds([], [tomorrow]) == []  # read (the read runs to now) but not this period's
    assert kinds([], [sale(None, "3.00")]) == [(DriftKind.NO_WEB_ORDER, False)]
    assert kinds([], [sale(7, "3.00")]) == [(DriftKind.NO_WEB_ORDER, False)]


def test_period_of_defaults_to_yesterday_in_the_engines_time_zone() -> None:
    one = period_of("2026-12-01", None, UTC)
    assert (one.first, one.last, one.end - one.start) == (date(2026, 12, 1),) * 2 + (
        timedelta(days=1),
    )
    assert period_of(None, None, UTC).last == datetime.now(UTC).date() - timedelta(days=1)


class _NoSalesList(BackendBase):
    name = "plain"
    capabilities = frozenset({Capability.PRODUCTS_READ, Capability.STOCK_READ})


class _NoWoo:
    stats = RequestStats()


async def test_a_back_office_that_cannot_list_its_sales_gets_a_report_that_says_so(
    tmp_path: Path,
) -> None:
    store = await StateStore.open(tmp_path / "state.db")
    ctx = SyncContext("shop1", store, _NoWoo(), _NoSalesList(), EventBus())  # type: ignore[arg-type]
    try:
        report = await Reconciliation(ctx, OrderRules(), UTC).run(DAY)
    finally:
        await store.close()
    assert not report.money_compared and report.drifts == ()
    assert report.summary == "2026-12-02: 0 differences; orders and money not compared"
    assert "cannot list its sales" in report.notes[0]
    assert (tmp_path / "reconcile-shop1.json").exists()  # the last report, for the dashboard


def test_catalog_diff_entries_become_drifts_with_their_cause() -> None:
    from engine.reconcile.catalog import catalog_drifts
    from engine.sync.diff import CatalogDiff, DiffEntry, FieldChange

    diff = CatalogDiff()
    diff.add(DiffEntry("create", "product", "A1", "Tea"))
    diff.add(DiffEntry("update", "product", "A2", "Cup", 7, (FieldChange("status", "draft"),)))
    diff.add(DiffEntry("update", "product", "A3", "Pot", 8, (FieldChange("name", "Pot 2"),)))
    diff.add(DiffEntry("skip", "product", "A4", reason="tax code 9 has no tax class"))
    price = (FieldChange("regular_price", "3.30", "2.10"),)
    diff.add(DiffEntry("update", "product", "A5", "Jar", 9, price))
    found = {d.subject: d for d in catalog_drifts([diff], dry_run=True)}
    assert set(found) == {"A1", "A2", "A4", "A5"}  # a name edit is no drift of price or stock
    assert found["A1"].cause == "unlinked: in the back office, not in the shop"
    assert found["A2"].kind is DriftKind.PRODUCT_MISSING and found["A2"].woo_product_id == 7
    assert found["A4"].cause == "set aside: tax code 9 has no tax class"
    assert (found["A5"].kind, found["A5"].shop, found["A5"].backoffice) == (
        DriftKind.PRICE, "2.10", "3.30",
    )  # fmt: skip
    assert found["A5"].action == "would be rewritten (dry run)"


class _NoPointOfSale(_NoSalesList):
    capabilities = frozenset({Capability.SALES_LIST})

    def list_sales(self, start, end=None):
        from engine.errors import ConfigError

        raise ConfigError("no point of sale selected: sales cannot be listed")


async def test_a_setting_the_sales_listing_needs_is_said_not_a_crash(tmp_path: Path) -> None:
    store = await StateStore.open(tmp_path / "state.db")
    ctx = SyncContext("shop1", store, _NoWoo(), _NoPointOfSale(), EventBus())  # type: ignore[arg-type]
    try:
        report = await Reconciliation(ctx, OrderRules(), UTC).run(DAY)
    finally:
        await store.close()
    assert not report.money_compared
    assert report.notes == (
        "orders and money were not compared: no point of sale selected: sales cannot be listed",
    )
