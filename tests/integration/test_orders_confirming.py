"""A sale the back office accepted but confirms later: not done, nothing written back.

The KORONA sandbox's ``receipt_fault="queued"`` answers the receipt POST with
QUEUED and no id (the receipt is stored, so a look-up by key finds it); a
thin wrapper plays a back office that never confirms.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.backends.base import IdempotencyKey, SaleRef
from engine.store import OutboxState
from engine.sync.orders import OrderWorker
from engine.sync.orders.confirmations import ConfirmationWindow
from engine.sync.orders.writeback import receipt_in_woo

from .orders_harness import FAST_BACKOFF, World, order_world, sandboxes
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)

WINDOW = ConfirmationWindow(deadline=timedelta(minutes=10), poll=timedelta(seconds=30))


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class NeverConfirms:
    """The real back office, except that a look-up never finds the accepted sale."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self.name, self.capabilities = backend.name, backend.capabilities
        self.lookups = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None:
        self.lookups += 1
        return None


def _worker(world: World, clock: Clock, backend: Any = None) -> OrderWorker:
    ctx = world.ctx if backend is None else replace(world.ctx, backend=backend)
    return OrderWorker(ctx, world.alerts, backoff=FAST_BACKOFF, clock=clock, confirmation=WINDOW)


async def _accepted(world: World, worker: OrderWorker) -> dict:
    world.kb.knobs.update(receipt_fault="queued")
    order = world.place(status="completed")
    await arrived(world, order["id"])
    report = await worker.drain()
    assert (report.confirming, report.booked, report.written_back) == (1, 0, 0)
    return order


async def test_accepted_sale_is_done_only_once_a_look_up_confirms_it(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        clock = Clock()
        worker = _worker(world, clock)
        order = await _accepted(world, worker)
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.CONFIRMING and entry.backoffice_ref is None
        assert receipt_in_woo(await world.ctx.woo.get_order(order["id"])) is None

        assert (await worker.drain()).confirmed == 0  # not time to look yet
        clock.now += WINDOW.poll
        report = await worker.drain()
        assert (report.confirmed, report.written_back) == (1, 1)
        entry = await world.entry(order["id"])
        (receipt,) = world.sales()[world.receipts_before :]
        assert entry.state is OutboxState.DONE and entry.backoffice_ref == receipt["number"]
        written = receipt_in_woo(await world.ctx.woo.get_order(order["id"]))
        assert written is not None and written.number == receipt["number"]


async def test_never_confirmed_is_a_dead_letter_with_a_hint_and_a_retry_books_once(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        clock = Clock()
        silent = NeverConfirms(world.ctx.backend)
        worker = _worker(world, clock, silent)
        order = await _accepted(world, worker)

        clock.now += WINDOW.poll
        await worker.drain()
        assert (await world.entry(order["id"])).state is OutboxState.CONFIRMING
        clock.now += WINDOW.deadline
        await worker.drain()
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.FAILED and entry.next_attempt_at is None
        assert entry.last_error_kind == "unconfirmed" and "look it up" in entry.hint
        assert silent.lookups == 2
        assert world.alerts.keys() == [f"order-failed:default:{order['id']}"]
        assert receipt_in_woo(await world.ctx.woo.get_order(order["id"])) is None

        await world.ctx.store.outbox.retry(order["id"])  # the admin looked: it is there
        report = await _worker(world, clock).drain()
        assert report.booked == 1
        assert len(world.sales()) == world.receipts_before + 1  # found, not booked twice
        assert (await world.entry(order["id"])).state is OutboxState.DONE
