"""Reconcile against NexoPOS over loopback: its orders are the sales, read in one request."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from engine.reconcile import DriftKind, Reconciliation, days
from engine.sync.orders.rules import OrderRules

from .nexopos_harness import sandboxes
from .test_nexopos_orders import NexoWorld, nexo_world

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes(products=8) as running:
        yield running


async def _book(world: NexoWorld) -> dict:
    order = world.place()
    await world.arrived(order["id"])
    assert (await world.worker.drain()).booked == 1
    return order


def _nexo_order(world: NexoWorld, woo_id: int) -> dict:
    with world.nexo.lock:
        return next(o for o in world.nexo.orders.values() if f"-{woo_id}-" in (o["title"] or ""))


async def test_nexopos_sales_are_compared_with_the_web_orders(servers, tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    async with nexo_world(servers, tmp_path) as world:
        clean, changed, cancelled = await _book(world), await _book(world), await _book(world)
        check = Reconciliation(world.ctx, OrderRules(), UTC)
        before = await check.run(days(today, today, UTC))
        _nexo_order(world, changed["id"])["total"] += 3.0  # edited at the till after booking
        world.woo.set_order_status(cancelled["id"], "cancelled")  # the void is never sent
        with world.nexo.lock:  # keyed in at the till for a web order WooCommerce doesn't have
            by_hand = copy.deepcopy(_nexo_order(world, clean["id"]))
            title = by_hand["title"].replace(f"-{clean['id']}-", "-990001-")
            by_hand.update(id=max(world.nexo.orders) + 1, title=title, code="HAND-1")
            world.nexo.orders[by_hand["id"]] = by_hand
            till = copy.deepcopy(by_hand)  # an ordinary till sale: not tillsync's business
            till.update(id=by_hand["id"] + 1, title=None, code="TILL-1")
            world.nexo.orders[till["id"]] = till
        requests = world.ctx.backend.stats.total
        after = await check.run(days(today, today, UTC))
        sales_requests = world.ctx.backend.stats.total - requests

    assert before.money_compared and before.sales_read == 3 and before.drifts == ()
    found = {(d.kind, d.order_id) for d in after.real}
    assert found == {
        (DriftKind.TOTAL, changed["id"]),
        (DriftKind.MISSING_VOID, cancelled["id"]),
        (DriftKind.NO_WEB_ORDER, None),
    }
    total = next(d for d in after.real if d.kind is DriftKind.TOTAL)
    assert Decimal(total.backoffice) - Decimal(total.shop) == 3
    assert sales_requests == 1  # the back office is read once
    assert after.sales_read == 4  # the till sale is not read as one of tillsync's
