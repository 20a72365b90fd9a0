"""Cancelled or refunded after booking → exactly one reversal receipt, never more."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from engine.backends.base import IdempotencyKey, SaleRef
from engine.events import Level, LogEvent
from engine.store import OutboxState
from sandbox import korona as kor

from .orders_harness import World, next_second, order_world, sandboxes, wait_until
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def _booked(world: World) -> dict:
    order = world.place(status="completed")
    await arrived(world, order["id"])
    assert (await world.worker.drain()).booked == 1
    await next_second(world)  # the cancellation must be a later revision than our write-back
    return order


async def _revised(world: World, order_id: int, status: str) -> None:
    async def check() -> bool:
        entry = await world.entry(order_id)
        return entry.payload_data()["status"] == status

    await wait_until(check)


@pytest.mark.parametrize("status", ["cancelled", "refunded"])
async def test_cancel_or_refund_after_booking_posts_one_reversal(
    servers, tmp_path: Path, status: str
) -> None:
    async with order_world(servers, tmp_path) as world:
        events = world.ctx.bus.subscribe()
        order = await _booked(world)
        original = world.sales()[-1]
        world.sb.set_order_status(order["id"], status)
        await _revised(world, order["id"], status)
        report = await world.worker.drain()
        assert (report.marked_for_void, report.voided) == (1, 1)
        (reversal,) = world.reversals()
        assert reversal["reversedReceipt"]["id"] == original["id"]
        assert sum(Decimal(str(p["amount"])) for p in reversal["payments"]) == -Decimal(
            order["total"]
        )
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.VOIDED and entry.void_ref == reversal["number"]
        # the reversal note's webhook, more drains, a poll: still one reversal
        await next_second(world)
        for _ in range(3):
            await world.worker.drain()
        assert len(world.reversals()) == 1 and len(world.sales()) == world.receipts_before + 1
        loud = [
            e.text
            for e in await _drained(events)
            if isinstance(e, LogEvent) and e.level is Level.WARNING and "revers" in e.text
        ]
        assert any("irreversible" in text for text in loud), loud


async def _drained(subscription) -> list:
    items = []
    while True:
        try:
            items.append(await asyncio.wait_for(anext(subscription), 0.01))
        except TimeoutError:
            return items


async def test_voided_order_completed_again_is_not_booked_again(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = await _booked(world)
        world.sb.set_order_status(order["id"], "cancelled")
        await _revised(world, order["id"], "cancelled")
        assert (await world.worker.drain()).voided == 1
        await next_second(world)
        world.sb.set_order_status(order["id"], "completed")
        await _revised(world, order["id"], "completed")
        report = await world.worker.drain()
        assert (report.booked, report.voided, report.acknowledged) == (0, 0, 1)
        assert len(world.sales()) == world.receipts_before + 1
        assert len(world.reversals()) == 1
        assert (await world.entry(order["id"])).state is OutboxState.VOIDED


async def test_cancelled_before_booking_is_skipped_not_voided(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="processing")
        await arrived(world, order["id"])
        await world.worker.drain()  # waits for "completed"
        await next_second(world)
        world.sb.set_order_status(order["id"], "cancelled")
        await arrived(world, order["id"], OutboxState.WAITING)
        report = await world.worker.drain()
        assert (report.skipped, report.voided, report.booked) == (1, 0, 0)
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.SKIPPED and entry.last_error.startswith("not booked:")
        assert len(world.sales()) == world.receipts_before
        assert world.reversals() == []


async def test_reversal_failing_while_korona_is_down_retries_once_it_is_back(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = await _booked(world)
        world.sb.set_order_status(order["id"], "cancelled")
        await _revised(world, order["id"], "cancelled")
        world.kb.knobs.update(down=True)
        report = await world.worker.drain()
        assert report.backend_down and report.voided == 0
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.VOIDING and entry.last_error_kind == "transient"
        assert any(a.severity == "critical" for a in world.alerts.alerts)
        world.kb.knobs.update(down=False)
        await wait_until(_resumed(world))
        assert (await world.worker.drain()).voided == 1
        assert len(world.reversals()) == 1
        assert world.reversals()[0]["pointOfSale"]["id"] == kor.POS_WEBSHOP_ID


def _resumed(world: World):
    async def check() -> bool:
        paused = world.worker.paused_until
        return paused is None or paused <= datetime.now(UTC)

    return check


async def test_refused_reversal_is_critical_and_waits_for_the_admin(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = await _booked(world)
        original = world.sales()[-1]
        staff = SaleRef(original["id"], original["number"])
        await world.ctx.backend.void_sale(staff, IdempotencyKey("staff", 1))  # done by hand
        world.sb.set_order_status(order["id"], "cancelled")
        await _revised(world, order["id"], "cancelled")
        report = await world.worker.drain()
        assert report.voided == 0 and not report.backend_down
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.VOIDING and entry.last_error_kind == "validation"
        assert entry.next_attempt_at - datetime.now(UTC) > timedelta(hours=23)
        (alert,) = world.alerts.alerts
        assert alert.severity == "critical" and alert.key == f"order-failed:default:{order['id']}"
        attempts = world.kb.stats.requests_today
        await world.worker.drain()
        assert world.kb.stats.requests_today == attempts  # not retried in a loop
        await world.worker.retry_void(order["id"])
        await world.worker.drain()
        assert world.kb.stats.requests_today > attempts
        assert len(world.reversals()) == 1  # only the one made by hand


async def test_cancel_where_the_back_office_cannot_void_warns_once_and_books_on(
    servers, tmp_path: Path
) -> None:
    """No sales.void: the order is marked, not queued for a reversal that would fail as a
    configuration error and pause every booking of the connection."""
    from engine.backends.base import BackendBase, Capability
    from engine.sync.orders.voids import VOID_UNSUPPORTED

    async with order_world(servers, tmp_path) as world:
        backend = world.ctx.backend
        backend.capabilities = backend.capabilities - {Capability.SALES_VOID}
        backend.void_sale = BackendBase.void_sale.__get__(backend)  # what such an adapter has
        events = world.ctx.bus.subscribe()
        order = await _booked(world)
        world.sb.set_order_status(order["id"], "cancelled")
        await _revised(world, order["id"], "cancelled")
        report = await world.worker.drain()
        assert (report.marked_for_void, report.voided, report.stopped) == (0, 0, "")
        assert world.worker.paused_until is None and world.reversals() == []
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.DONE
        history = await world.ctx.store.outbox.history(order["id"], connection=world.ctx.connection)
        assert any(VOID_UNSUPPORTED in step.detail for step in history)

        later = world.place(status="completed")  # bookings go on
        await arrived(world, later["id"])
        for _ in range(2):
            await world.worker.drain()
        assert (await world.entry(later["id"])).state is OutboxState.DONE
        warned = [
            e.text
            for e in await _drained(events)
            if isinstance(e, LogEvent) and VOID_UNSUPPORTED in e.text
        ]
        assert len(warned) == 1, warned
