"""Reconcile against Sitoo over loopback: the site's orders of the period, read once, paged."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from engine.reconcile import DriftKind, Reconciliation, days
from engine.sync.orders.rules import OrderRules

from .sitoo_orders_harness import sandboxes, sitoo_world
from .test_sitoo_orders import _arrived

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def _book(world) -> dict:
    order = world.place()
    await _arrived(world, order["id"])
    assert (await world.worker.drain()).booked == 1
    return order


async def test_sitoo_orders_are_compared_with_the_web_orders(servers, tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    async with sitoo_world(servers, tmp_path) as world:
        clean, changed, cancelled = await _book(world), await _book(world), await _book(world)
        check = Reconciliation(world.ctx, OrderRules(), UTC)
        before = await check.run(days(today, today, UTC))
        with world.sb.lock:  # edited in Sitoo after booking
            row = next(o for o in world.sb.orders.values() if o["checkoutref"] == changed["number"])
            row["moneytotal_gross_all"] = str(Decimal(row["moneytotal_gross_all"]) + 4)
        world.woo.set_order_status(cancelled["id"], "cancelled")  # the cancel never sent
        after = await check.run(days(today, today, UTC))

    assert before.money_compared and before.sales_read == 3 and before.drifts == ()
    assert {(d.kind, d.order_id) for d in after.real} == {
        (DriftKind.TOTAL, changed["id"]),
        (DriftKind.MISSING_VOID, cancelled["id"]),
    }
    assert not any(d.order_id == clean["id"] for d in after.drifts)
