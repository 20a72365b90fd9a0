"""Reconcile against AurPOS over loopback: tillsync's sells of the period, read once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from engine.reconcile import DriftKind, Reconciliation, days
from engine.sync.orders.rules import OrderRules

from .aurpos_harness import AurposWorld, aurpos_sandboxes, aurpos_world
from .test_aurpos_orders import arrived

pytestmark = pytest.mark.timeout(60)


async def _book(world: AurposWorld) -> dict:
    order = world.place()
    await arrived(world, order["id"])
    assert (await world.worker.drain()).booked == 1
    return order


async def test_aurpos_sells_are_compared_with_the_web_orders(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    with aurpos_sandboxes() as servers:
        async with aurpos_world(servers, tmp_path) as world:
            clean, changed, cancelled = await _book(world), await _book(world), await _book(world)
            check = Reconciliation(world.ctx, OrderRules(), UTC)
            before = await check.run(days(today, today, UTC))
            (sell,) = world.sells(changed["number"])
            with world.pos.lock:  # edited at the POS after booking
                stored = world.pos.sells[sell["id"]]
                stored["final_total"] = str(Decimal(stored["final_total"]) + 2)
            world.sb.set_order_status(cancelled["id"], "cancelled")  # the void never sent
            after = await check.run(days(today, today, UTC))

    assert before.money_compared and before.sales_read == 3 and before.drifts == ()
    assert {(d.kind, d.order_id) for d in after.real} == {
        (DriftKind.TOTAL, changed["id"]),
        (DriftKind.MISSING_VOID, cancelled["id"]),
    }
    assert not any(d.order_id == clean["id"] for d in after.drifts)
