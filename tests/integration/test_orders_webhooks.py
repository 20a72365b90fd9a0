"""Webhooks as installed in WooCommerce, switched off by it, and the poll as safety net."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from engine.notify import Severity
from engine.store import OrderSource, OutboxState
from engine.sync.orders import (
    ORDERS_CURSOR,
    WEBHOOK_TOPICS,
    OrderPoll,
    check_webhook_health,
    install_webhooks,
)
from sandbox.server import serve_in_thread

from .orders_harness import World, next_second, order_world, sandboxes, wait_until
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _ours(world: World) -> list[dict]:
    with world.sb.lock:
        return [dict(h) for h in world.sb.webhooks.values() if h["delivery_url"] == world.hook_url]


async def test_install_creates_one_signed_webhook_per_topic_and_rekeys_on_rerun(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        hooks = _ours(world)
        assert sorted(h["topic"] for h in hooks) == sorted(WEBHOOK_TOPICS)
        assert all(h["status"] == "active" and h["secret"] == world.secret for h in hooks)
        again = await install_webhooks(world.ctx.woo, world.hook_url)
        assert again.created == () and sorted(again.updated) == sorted(WEBHOOK_TOPICS)
        assert again.ok  # our receiver answered the creation ping with 200
        assert again.secret != world.secret and world.secret not in repr(again)
        assert len(_ours(world)) == len(WEBHOOK_TOPICS)
        assert {h["secret"] for h in _ours(world)} == {again.secret}
        removed = _ours(world)[0]
        await world.ctx.woo.delete_webhook(removed["id"])
        health = await check_webhook_health(world.ctx.woo, world.hook_url, world.alerts)
        assert health.missing_topics == (removed["topic"],) and not health.ok
        assert world.alerts.keys() == ["webhook-missing:default"]


def _unavailable_receiver() -> Starlette:
    """A reverse proxy whose upstream (tillsync) is down: 503 to everything."""

    async def down(request: Request) -> PlainTextResponse:
        return PlainTextResponse("Service Unavailable", 503)

    return Starlette(routes=[Route("/hooks/{rest:path}", down, methods=["POST"])])


async def test_install_reports_the_creation_ping_that_failed(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        with serve_in_thread(_unavailable_receiver()) as proxy:
            url = f"{proxy.url}/hooks/default"
            done = await install_webhooks(world.ctx.woo, url)
        assert sorted(done.created) == sorted(WEBHOOK_TOPICS)  # the shop created them anyway
        assert not done.ok
        assert sorted(done.ping_failures) == sorted((t, 503) for t in WEBHOOK_TOPICS)
        with world.sb.lock:
            assert {status for _, status in world.sb.deliveries.pings} == {503}


async def test_disabled_webhook_poll_catches_orders_and_health_check_reenables(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        with world.sb.lock:  # WooCommerce gave up after failed deliveries
            for hook in world.sb.webhooks.values():
                hook["status"], hook["failure_count"] = "disabled", 6
        disabled_ids = {h["id"] for h in _ours(world)}
        order = world.place(status="completed")
        queue = world.sb.deliveries  # nothing queued or sent: a counter, not a wait
        assert not [key for key in queue.pending if key[1] == order["id"]]
        assert not [d for d in queue.log if d.resource_id == order["id"]]
        assert await world.entry(order["id"]) is None

        poll = await OrderPoll(world.ctx, world.intake).run()
        assert poll.new == 1
        entry = await world.entry(order["id"])
        assert entry.source is OrderSource.POLL
        assert await world.ctx.store.cursors.value(ORDERS_CURSOR) == poll.cursor
        assert (await world.worker.drain()).booked == 1
        assert len(world.sales()) == world.receipts_before + 1

        health = await check_webhook_health(
            world.ctx.woo, world.hook_url, world.alerts, secret=world.secret
        )
        assert len(health.reactivated) == len(WEBHOOK_TOPICS) and not health.ok
        hooks = _ours(world)  # replaced: re-activating would keep failure_count at 6
        assert sorted(h["topic"] for h in hooks) == sorted(WEBHOOK_TOPICS)
        assert all(h["status"] == "active" and h["failure_count"] == 0 for h in hooks)
        assert {h["id"] for h in hooks}.isdisjoint(disabled_ids)
        assert all(h["secret"] == world.secret for h in hooks)
        disabled = [a for a in world.alerts.alerts if a.key.startswith("webhook-disabled:")]
        assert len(disabled) == len(WEBHOOK_TOPICS)
        assert all(a.severity is Severity.ERROR for a in disabled)
        assert (await check_webhook_health(world.ctx.woo, world.hook_url, world.alerts)).ok

        await next_second(world)
        world.sb.set_order_status(order["id"], "cancelled")  # webhooks deliver again
        await arrived(world, order["id"], OutboxState.DONE)
        await wait_until(_revised(world, order["id"]))
        assert (await world.worker.drain()).voided == 1


def _revised(world: World, order_id: int):
    async def check() -> bool:
        return (await world.entry(order_id)).revised_after_booking

    return check


async def test_poll_reads_only_what_changed_since_its_cursor(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        first = world.place(status="completed")
        report = await OrderPoll(world.ctx, world.intake).run()
        assert (report.read, report.new) == (1, 1)
        again = await OrderPoll(world.ctx, world.intake).run()
        assert again.new == 0 and again.read <= 1  # only the overlap is read again
        world.place(status="pending")  # not tracked: no stock taken, nothing to book
        world.place(status="processing")
        later = await OrderPoll(world.ctx, world.intake).run()
        assert later.new == 1 and later.ignored == 1
        assert (await world.entry(first["id"])).source is OrderSource.POLL
        full = await OrderPoll(world.ctx, world.intake).run(full=True)
        assert full.read == 3 and full.new == 0


async def test_worker_running_forever_books_what_the_webhooks_bring(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        stop = asyncio.Event()
        world.worker.idle_interval = 30.0  # only the intake's wake-up can make it this fast
        task = asyncio.create_task(world.worker.run_forever(stop))
        try:
            await asyncio.sleep(0.1)
            order = world.place(status="completed")
            await arrived(world, order["id"], OutboxState.DONE)
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)
        assert len(world.sales()) == world.receipts_before + 1


async def test_a_webhook_line_price_is_decimal_from_the_raw_json_text(
    servers, tmp_path: Path
) -> None:
    """WooCommerce sends a line's ``price`` as a JSON number (18.1727275): read as Decimal."""
    async with order_world(servers, tmp_path) as world:
        order = world.sb.place_order([(world.products[0], 3)], status="processing")
        await arrived(world, order["id"])

        def sent() -> list[bytes]:
            with world.sb.lock:
                return [r.body for r in world.sb.deliveries.log if r.resource_id == order["id"]]

        async def logged() -> bool:  # the shop logs a delivery once our 200 is back
            return bool(sent())

        await wait_until(logged)
        match = re.search(rb'"price":(-?[0-9.eE+-]+)[,}]', sent()[0])
        assert match is not None  # a JSON number, not a string, on the wire
        price = (await world.entry(order["id"])).payload_data()["line_items"][0]["price"]
        assert isinstance(price, str | Decimal)  # stored exact (Decimal as text), never a float
        assert Decimal(price) == Decimal(match.group(1).decode())
