"""The light poll books orders in seconds while the shop's webhooks wait for WP-cron.

The WooCommerce sandbox runs its Action Scheduler model here: deliveries go
out only when WP-cron runs, at most once a minute and only on site traffic,
so within a test no webhook arrives after the set-up.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from engine.store import OrderSource, OutboxState
from engine.sync.orders import OrderWatch
from sandbox.woocommerce import HostModel

from .orders_harness import World, next_second, order_world, sandboxes, wait_until

pytestmark = pytest.mark.timeout(60)

REAL_CRON_S = 60.0  # Action Scheduler runs at most once a minute on a real site


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _order_reads(world: World) -> dict[str, int]:
    with world.sb.lock:
        routes = world.sb.stats.by_route
        return {"list": routes[("GET", "orders")], "one": routes[("GET", "orders/{id}")]}


async def _late_webhooks(world: World) -> None:
    """From now on the shop's webhooks wait for the next WP-cron run, a minute away."""
    with world.sb.lock:
        world.sb.cron_interval = REAL_CRON_S
    await world.ctx.woo.get("system_status")  # this request is the run that is due now
    assert world.sb.deliveries.cron_runs == 1


async def test_watch_books_an_order_long_before_the_webhook_comes(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        await _late_webhooks(world)
        watch = OrderWatch(world.ctx, world.intake, interval=0.2)
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(watch.run_forever(stop)),
            asyncio.create_task(world.worker.run_forever(stop)),
        ]
        try:
            order = world.place(status="completed")
            await wait_until(lambda: _state_is(world, order["id"], OutboxState.DONE))
        finally:
            stop.set()
            await asyncio.gather(*tasks)
        entry = await world.entry(order["id"])
        assert entry.source is OrderSource.POLL
        assert len(world.sales()) == world.receipts_before + 1
        with world.sb.lock:
            assert len(world.sb.deliveries.pending) >= 1  # the webhooks still wait for WP-cron


async def _state_is(world: World, order_id: int, state: OutboxState) -> bool:
    entry = await world.entry(order_id)
    return entry is not None and entry.state is state


async def test_a_quiet_shop_costs_one_small_request_per_check(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path) as world:
        await _late_webhooks(world)
        watch = OrderWatch(world.ctx, world.intake)
        first = world.place(status="completed")
        found = await watch.check()
        assert (found.fetched, found.new) == (1, 1)
        before = _order_reads(world)
        quiet = await watch.check()
        assert (quiet.listed, quiet.fetched, quiet.new) == (1, 0, 0)  # seen: not fetched again
        assert _order_reads(world) == {"list": before["list"] + 1, "one": before["one"]}

        await next_second(world)
        world.sb.set_order_status(first["id"], "cancelled")  # a new revision is fetched again
        second = world.place(status="processing")
        changed = await watch.check()
        assert (changed.fetched, changed.new) == (2, 2)  # both revisions written to the outbox
        assert _order_reads(world)["list"] == before["list"] + 3  # light list + one include=
        assert (await world.entry(second["id"])).source is OrderSource.POLL


async def test_a_slow_shop_is_asked_less_often(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        watch = OrderWatch(world.ctx, world.intake, interval=12.0, budget=0.025)
        await watch.check()
        assert watch.next_interval() == 12.0  # the sandbox answers at once
        world.sb.host_model = HostModel(time_scale=1.0, latency=0.4)  # ≥ 0.5 s per request
        slow = await watch.check()
        assert slow.response_s >= 0.5
        stretched = watch.next_interval()
        assert 0.5 / 0.025 <= stretched <= watch.max_interval  # at once
        world.sb.host_model = HostModel()  # quick again: back to 12 s step by step
        await watch.check()
        assert 12.0 < watch.next_interval() < stretched
