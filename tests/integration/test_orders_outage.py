"""KORONA down, answers lost, the process killed mid-booking: still exactly one receipt."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from engine.backends.base import IdempotencyKey, SaleRef
from engine.backends.korona import KoronaBackend
from engine.model import Order
from engine.notify import Severity
from engine.store import OutboxState
from engine.sync.orders import OrderWorker

from .orders_harness import (
    FAST_RETRY,
    World,
    korona_settings,
    make_worker,
    open_context,
    order_world,
    sandboxes,
    wait_until,
)
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def _queued(world: World, count: int) -> list[dict]:
    orders = [world.place(status="completed") for _ in range(count)]
    for order in orders:
        await arrived(world, order["id"])
    return orders


async def _resume(worker: OrderWorker) -> None:
    async def check() -> bool:
        paused = worker.paused_until
        return paused is None or paused <= datetime.now(UTC)

    await wait_until(check)


async def test_korona_down_queues_orders_and_drains_them_in_order(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        world.kb.knobs.update(down=True)
        orders = await _queued(world, 3)
        report = await world.worker.drain()
        assert report.backend_down and report.failed == 1 and report.booked == 0
        states = [(await world.entry(o["id"])).state for o in orders]
        assert states == [OutboxState.FAILED, OutboxState.WAITING, OutboxState.WAITING]
        first = await world.entry(orders[0]["id"])
        assert first.next_attempt_at is not None and first.last_error_kind == "transient"
        assert "503" in first.last_response
        assert (await world.worker.drain()).booked == 0  # paused: later orders don't overtake
        assert [a.key for a in world.alerts.alerts] == ["backend-down:default"]

        world.kb.knobs.update(down=False)
        await _resume(world.worker)
        report = await world.worker.drain()
        assert report.booked == 3 and not report.backend_down
        numbers = [r["orderNumber"] for r in world.sales()[world.receipts_before :]]
        assert numbers == [o["number"] for o in orders]
        assert world.alerts.alerts[-1].severity is Severity.RESOLVED


class KilledAfterCreate:
    """The real backend, but the process "dies" right after KORONA accepted the receipt."""

    class Killed(BaseException):
        pass

    def __init__(self, backend: KoronaBackend) -> None:
        self._backend = backend
        self.name = backend.name
        self.capabilities = backend.capabilities

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef:
        await self._backend.create_sale(order, key)
        raise self.Killed


async def test_killed_between_korona_answer_and_local_commit_books_once(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        (order,) = await _queued(world, 1)
        doomed = replace(world.ctx, backend=KilledAfterCreate(world.ctx.backend))
        worker, _ = make_worker(doomed, world.alerts)
        with pytest.raises(KilledAfterCreate.Killed):
            await worker.drain()
        assert len(world.sales()) == world.receipts_before + 1  # KORONA has it …
        assert (await world.entry(order["id"])).state is OutboxState.IN_FLIGHT  # … we don't

        # restart: a fresh store connection on the same file, recovery, a new worker
        ctx, close = await open_context(world.servers, Path(world.ctx.store.path))
        try:
            recovery = await ctx.store.recover()
            assert recovery.orders_back_to_waiting == 1
            worker, _ = make_worker(ctx, world.alerts)
            report = await worker.drain()
            assert report.booked == 1
            entry = await ctx.store.outbox.get(order["id"])
            assert entry.state is OutboxState.DONE
            history = await ctx.store.outbox.history(order["id"])
            assert history[-1].detail.startswith("found already booked")
        finally:
            await close()
        assert len(world.sales()) == world.receipts_before + 1


@pytest.mark.parametrize("fault", ["commit_then_500", "commit_then_hang"])
async def test_lost_korona_answer_is_found_by_its_key(servers, tmp_path: Path, fault) -> None:
    async with order_world(servers, tmp_path) as world:
        (order,) = await _queued(world, 1)
        world.kb.knobs.update(receipt_fault=fault, hang_seconds=5.0)
        report = await world.worker.drain()
        assert report.booked == 1, report
        assert len(world.sales()) == world.receipts_before + 1
        assert (await world.entry(order["id"])).state is OutboxState.DONE


async def test_rejected_order_is_a_dead_letter_with_request_and_response(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        sku = world.sb.products[world.products[0]]["sku"]
        world.kb.delete(sku)  # KORONA now refuses the product: UNRESOLVED_RELATION
        orders = await _queued(world, 2)
        report = await world.worker.drain()
        assert (report.failed, report.booked, report.backend_down) == (2, 0, False)
        entry = await world.entry(orders[0]["id"])
        assert entry.state is OutboxState.FAILED and entry.next_attempt_at is None
        assert entry.last_error_kind == "validation" and entry.hint
        assert entry.last_request.startswith("POST ") and "/receipts" in entry.last_request
        assert "UNRESOLVED_RELATION" in entry.last_response
        password = korona_settings(world.servers).password
        for text in (entry.last_request, entry.last_response, entry.last_error):
            assert password not in text
        assert "authorization: ***" in entry.last_request.lower()
        assert {a.key for a in world.alerts.alerts} == {
            f"order-failed:default:{o['id']}" for o in orders
        }
        assert (await world.worker.drain()).failed == 0  # dead letters wait for the admin
        await world.ctx.store.outbox.skip(orders[0]["id"], "admin: booked by hand")
        assert (await world.entry(orders[0]["id"])).state is OutboxState.SKIPPED


async def test_refused_credentials_stop_the_drain_and_page_the_admin(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        orders = await _queued(world, 2)
        wrong = KoronaBackend(korona_settings(world.servers, password="wrong"), retry=FAST_RETRY)
        try:
            worker, _ = make_worker(replace(world.ctx, backend=wrong), world.alerts)
            report = await worker.drain()
        finally:
            await wrong.aclose()
        assert report.backend_down and report.failed == 1
        assert (await world.entry(orders[1]["id"])).state is OutboxState.WAITING
        first = await world.entry(orders[0]["id"])
        assert first.last_error_kind == "auth" and first.next_attempt_at is not None
        (alert,) = world.alerts.alerts
        assert alert.severity is Severity.CRITICAL and alert.key == "backend-auth:default"
        assert "wrong" not in first.last_request + first.last_response


async def test_daily_quota_pauses_orders_until_the_reset_and_pages_the_admin(
    servers, tmp_path: Path
) -> None:
    # at noon, so that the reset is far from "now" whatever the hour the suite runs at
    # (within max_retry_after of midnight the client would rightly wait in place instead)
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=True):
        await _quota_pauses_orders(servers, tmp_path)


async def _quota_pauses_orders(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        orders = await _queued(world, 2)
        world.kb.knobs.update(daily_limit=world.kb.stats.requests_today)
        report = await world.worker.drain()
        assert report.backend_down and report.booked == 0
        first = await world.entry(orders[0]["id"])
        assert first.last_error_kind == "rate_limited"
        now = datetime.now(UTC)
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        assert abs(first.next_attempt_at - midnight) < timedelta(seconds=5)  # quota reset
        assert world.worker.paused_until == first.next_attempt_at
        (alert,) = world.alerts.alerts
        assert alert.severity is Severity.CRITICAL and alert.key == "backend-rate_limited:default"
        # a restarted worker honours the pause instead of spending more quota
        requests = world.kb.stats.requests_today
        worker, _ = make_worker(world.ctx, world.alerts)
        assert (await worker.drain()).backend_down
        assert world.kb.stats.requests_today == requests
