"""Receipt write-backs WooCommerce refuses: dead-lettered for good, or backing off.

Before, a refused write-back was retried on every drain (every few seconds,
forever: 14,400 requests and twice as many event rows a day), and a deleted
order's debt was dropped silently.  The refusals are WooCommerce answers the
sandbox has no knob for, so the write-back's client answers through
``httpx.MockTransport``; the booking itself goes to the KORONA sandbox.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from engine.events import Level, LogEvent
from engine.store import OutboxState, WriteBackState
from engine.store.timestamps import utc_now
from engine.sync.orders import OrderPoll
from engine.woo import WooClient

from .orders_harness import WOO_KEY, WOO_SECRET, make_worker, order_world, sandboxes

pytestmark = pytest.mark.timeout(60)

ANSWERS = {
    404: {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID."},
    400: {"code": "woocommerce_rest_invalid_meta", "message": "Meta data refused."},
    503: {"code": "unavailable", "message": "Service Unavailable"},
}


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


class RefusingShop:
    """WooCommerce answering every write-back request with one status; counts them."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(self.status, json=ANSWERS[self.status])

    def client(self) -> WooClient:
        return WooClient(
            "https://shop.example.com", WOO_KEY, WOO_SECRET, transport=httpx.MockTransport(self)
        )


async def _booked_with_refusing_shop(world, shop: RefusingShop):
    """Book one order while the write-back's WooCommerce refuses; returns (worker, order id)."""
    worker, _ = make_worker(replace(world.ctx, woo=shop.client()), world.alerts)
    order = world.place(status="completed")
    assert (await OrderPoll(world.ctx, world.intake).run()).new == 1
    report = await worker.drain()
    assert report.booked == 1 and report.written_back == 0
    return worker, order["id"]


def _texts(subscription, needle: str) -> list[LogEvent]:
    return [e for e in subscription.drain() if isinstance(e, LogEvent) and needle in e.text]


@pytest.mark.parametrize(("status", "hint"), [(404, "gone from WooCommerce"), (400, "refused")])
async def test_a_permanent_refusal_is_dead_lettered_with_a_hint_and_not_retried(
    servers, tmp_path: Path, status: int, hint: str
) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        shop = RefusingShop(status)
        events = world.ctx.bus.subscribe()
        worker, order = await _booked_with_refusing_shop(world, shop)
        debt = await world.ctx.store.writebacks.get(order, connection=world.ctx.connection)
        assert debt is not None and debt.state is WriteBackState.DEAD
        assert hint in debt.hint and debt.attempts == 1
        tried = shop.requests
        for _ in range(5):
            await worker.drain()
        assert shop.requests == tried  # no retry every drain
        assert (await world.entry(order)).state is OutboxState.DONE  # the sale stands
        errors = _texts(events, "receipt number not written back")
        assert [e.level for e in errors] == [Level.ERROR]


async def test_a_transient_failure_backs_off_and_the_admin_can_make_it_due(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        shop = RefusingShop(503)
        worker, order = await _booked_with_refusing_shop(world, shop)
        debts, name = world.ctx.store.writebacks, world.ctx.connection
        debt = await debts.get(order, connection=name)
        assert debt is not None and debt.state is WriteBackState.OWED
        assert debt.next_attempt_at is not None
        assert debt.next_attempt_at - utc_now() > timedelta(seconds=10)
        tried = shop.requests
        for _ in range(5):
            await worker.drain()
        assert shop.requests == tried  # backing off, not every drain
        assert await debts.retry(order, connection=name)
        await worker.drain()
        assert shop.requests > tried


async def test_the_backoff_is_capped_at_thirty_minutes(servers, tmp_path: Path) -> None:
    async with order_world(servers, tmp_path, webhooks=False) as world:
        shop = RefusingShop(503)
        worker, order = await _booked_with_refusing_shop(world, shop)
        debts, name = world.ctx.store.writebacks, world.ctx.connection
        for _ in range(15):  # 30 s doubling: past 30 min after seven attempts
            await worker.writeback.failed(order, _unavailable())
        debt = await debts.get(order, connection=name)
        assert debt is not None and debt.attempts == 16
        wait = debt.next_attempt_at - utc_now()
        assert timedelta(minutes=14) < wait <= timedelta(minutes=30)


def _unavailable():
    from engine.errors import RemoteError

    return RemoteError("WooCommerce answered 503", status=503)
