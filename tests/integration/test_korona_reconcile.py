"""Nightly reconcile against KORONA over loopback: planted drifts are listed with their cause.

Orders are booked the real way (WooCommerce sandbox -> webhook -> outbox ->
worker -> KORONA sandbox); then each drift is planted the way it happens in
a shop: a receipt booked a second time, a receipt whose total was changed,
a cent of rounding, a cancellation whose void never went out, a sale on our
POS for an order WooCommerce does not have, a price and a stock level
edited by hand in the shop.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from engine.backends.base import IdempotencyKey
from engine.notify import Severity
from engine.reconcile import DriftKind, Reconciliation, days, load_report, render_text
from engine.sync.catalog import CatalogSync
from engine.sync.orders.mapping import order_from_woo
from engine.sync.orders.rules import OrderRules
from engine.sync.stock import StockSync

from .orders_harness import PAYMENTS, World, order_world, sandboxes
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _today():
    today = datetime.now(UTC).date()
    return days(today, today, UTC)


def _reconciliation(world: World) -> Reconciliation:
    async def passes(dry_run: bool):
        catalog = await CatalogSync(world.ctx).run(full=True, dry_run=dry_run)
        stock = await StockSync(world.ctx).run(full=True, dry_run=dry_run)
        return (catalog, stock)

    return Reconciliation(world.ctx, OrderRules(), UTC, passes=passes, alerts=world.alerts)


async def _book(world: World, **extra) -> dict:
    order = world.place(status="completed", **extra)
    await arrived(world, order["id"])
    assert (await world.worker.drain()).booked == 1
    return order


async def _by_hand(world: World, data: dict) -> None:
    """A receipt keyed in by hand on our POS for the web order ``data`` describes."""
    order = order_from_woo(data)
    paid = replace(order.payment, backoffice_method_id=PAYMENTS[order.payment.method_id])
    key = IdempotencyKey("manual", order.woo_id, 1)
    await world.ctx.backend.create_sale(replace(order, payment=paid), key)


def _change_receipt_total(world: World, order_id: int, by: Decimal) -> None:
    """Someone edits the booked receipt's total in the back office."""
    with world.kb.lock:
        for record in world.kb.receipt_book.table:
            refs = record.body.get("externalReferences") or {}
            if refs.get("woocommerce-order-id") == str(order_id):
                record.body["total"]["gross"] += by
                return
    raise AssertionError(f"no receipt for order {order_id}")


async def test_clean_period_reports_no_difference(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        await _book(world)
        await _book(world)
        report = await _reconciliation(world).run(_today(), dry_run=True)
    assert report.money_compared and report.orders_read >= 2 and report.sales_read >= 2
    assert report.real == () and report.rounding == ()
    assert report.summary.startswith(f"{_today().label}: 0 differences")
    assert all(row.difference == 0 for row in report.totals)
    assert world.alerts.alerts == []  # a clean day mails nothing


async def test_planted_drifts_are_listed_with_their_cause(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        clean = await _book(world)
        twice = await _book(world)
        changed = await _book(world)
        cent = await _book(world)
        voided = await _book(world)
        # booked again by hand (another receipt naming the same web order)
        await _by_hand(world, await world.ctx.woo.get_order(twice["id"]))
        _change_receipt_total(world, changed["id"], Decimal("5.00"))
        _change_receipt_total(world, cent["id"], Decimal("0.01"))
        world.sb.set_order_status(voided["id"], "cancelled")  # the void is never sent
        shown = await world.ctx.woo.get_order(clean["id"])
        await _by_hand(world, {**shown, "id": 990001, "number": "990001"})
        missing = world.place(status="completed")  # reaches the outbox, never booked
        await arrived(world, missing["id"])
        priced, stocked = world.products[2], world.products[3]
        world.sb.edit_product(priced, {"regular_price": "1.23"})
        world.sb.edit_product(stocked, {"stock_quantity": 977})

        report = await _reconciliation(world).run(
            _today(), dry_run=True, report=tmp_path / "drift.json"
        )

    by_kind = {(d.kind, d.order_id or d.woo_product_id): d for d in report.drifts}
    assert by_kind[(DriftKind.DOUBLE_SALE, twice["id"])].cause.startswith("booked again by hand")
    total = by_kind[(DriftKind.TOTAL, changed["id"])]
    assert not total.rounding and Decimal(total.backoffice) - Decimal(total.shop) == 5
    assert by_kind[(DriftKind.TOTAL, cent["id"])].rounding
    assert by_kind[(DriftKind.MISSING_VOID, voided["id"])].shop == "cancelled"
    assert by_kind[(DriftKind.MISSING_SALE, missing["id"])].cause == "in the outbox (waiting)"
    (ghost_drift,) = [d for d in report.drifts if d.kind is DriftKind.NO_WEB_ORDER]
    assert "990001" in ghost_drift.detail
    price = by_kind[(DriftKind.PRICE, priced)]
    assert price.cause == "changed by hand in the shop" and price.shop == "1.23"
    stock = by_kind[(DriftKind.STOCK, stocked)]
    assert stock.cause.startswith("changed by hand in the shop") and stock.shop == "977"
    assert not any(d.order_id == clean["id"] for d in report.drifts)
    # the two receipts keyed in by hand also took the ordered products' stock in KORONA
    sold = {d.woo_product_id for d in report.real if d.kind is DriftKind.STOCK} - {stocked}
    assert sold == set(world.products[:2])
    assert len(report.real) == 9 and len(report.rounding) == 1
    # the admin keeps a file, the dashboard reads the last one, the admin gets one mail
    assert load_report(tmp_path / "drift.json") == report
    assert len(world.alerts.alerts) == 1 and "9 differences" in world.alerts.alerts[0].subject
    assert "990001" in render_text(report)


async def test_book_missing_queues_an_order_that_never_arrived_and_the_worker_books_it(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        lost = world.place(status="completed")  # no webhook: it never reached the outbox
        check = _reconciliation(world)
        listed = await check.run(_today(), dry_run=True)
        (missing,) = [d for d in listed.real if d.kind is DriftKind.MISSING_SALE]
        assert missing.order_id == lost["id"] and missing.cause == "never reached tillsync's outbox"
        assert await world.entry(lost["id"]) is None  # listed only: money is a dry run by default
        check.intake, check.book_missing = world.intake, True
        queued = await check.run(_today(), dry_run=True)
        (again,) = [d for d in queued.real if d.kind is DriftKind.MISSING_SALE]
        assert again.action == "queued in the outbox (new)"
        assert (await world.worker.drain()).booked == 1  # booked by the worker, never directly
        after = await check.run(_today(), dry_run=True)
    assert not [d for d in after.real if d.kind is DriftKind.MISSING_SALE]
    assert len(world.sales()) == world.receipts_before + 1


async def test_mail_always_sends_the_clean_days_summary_too(servers, tmp_path: Path) -> None:
    """[notify] reconcile_mail = "always": the admin hears every night, not only on drift."""
    async with order_world(servers, tmp_path) as world:
        await _book(world)
        check = _reconciliation(world)
        check.mail_always = True
        await check.run(_today(), dry_run=True)
    (alert,) = world.alerts.alerts
    assert alert.severity is Severity.INFO and "0 differences" in alert.subject
