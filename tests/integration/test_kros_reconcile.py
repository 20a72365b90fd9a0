"""Reconcile against KROS over loopback: invoices and credit notes of the period, read once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.reconcile import DriftKind, Reconciliation, days
from engine.store import OutboxState
from engine.sync.orders.rules import OrderRules

from .kros_harness import KrosWorld, kros_sandboxes, kros_world
from .orders_harness import next_second, wait_until
from .test_kros_orders import accepted, state_is

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with kros_sandboxes() as running:
        yield running


async def _booked(world: KrosWorld) -> dict:
    order = await accepted(world)
    await state_is(world, order["id"], OutboxState.DONE)
    await world.worker.drain()  # the write-back
    return order


def _invoice(world: KrosWorld, order: dict) -> dict:
    with world.kb.lock:
        return next(
            d for d in world.kb.documents["invoices"]
            if d["orderNumber"] == str(order["number"]) and d.get("invoiceType") == 0
        )  # fmt: skip


async def test_kros_documents_are_compared_with_the_web_orders(servers, tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    async with kros_world(servers, tmp_path) as world:
        clean, changed, credited, cancelled = [await _booked(world) for _ in range(4)]
        await next_second(world)
        world.sb.set_order_status(credited["id"], "cancelled")

        async def voided() -> bool:
            await world.worker.drain()
            return (await world.entry(credited["id"])).state is OutboxState.VOIDED

        await wait_until(voided, within=10)  # its credit note is booked: no drift
        check = Reconciliation(world.ctx, OrderRules(), UTC)
        before = await check.run(days(today, today, UTC))
        with world.kb.lock:  # edited in KROS after booking
            _invoice(world, changed)["prices"]["documentPrices"]["totalPriceInclVat"] += 7
        world.sb.set_order_status(cancelled["id"], "cancelled")  # the credit note never sent
        after = await check.run(days(today, today, UTC))

    assert before.money_compared and before.sales_read == 5 and before.drifts == ()
    assert {(d.kind, d.order_id) for d in after.real} == {
        (DriftKind.TOTAL, changed["id"]),
        (DriftKind.MISSING_VOID, cancelled["id"]),
    }
    assert not any(d.order_id == clean["id"] for d in after.drifts)
