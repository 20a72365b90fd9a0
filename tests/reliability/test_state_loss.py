"""A lost, emptied or damaged state database books nothing twice.

Orders are booked over loopback (WooCommerce sandbox → KORONA sandbox), then
the state file is truncated or deleted and a new store starts from nothing,
the way an admin's restored VPS would.  The admin's usual recovery follows
(mappings again, a full orders poll, the worker's drain).  Every earlier
order must be recognised — by the receipt number WooCommerce holds, or, when
that write-back never happened, by the back office's look-up of a key that
comes from the store and the order rather than from the lost database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import OutboxState, StateStore
from engine.store.errors import DamagedDatabaseError
from engine.sync.orders import OrderPoll
from tests.integration.orders_harness import (
    World,
    _seed_store,
    make_worker,
    open_context,
    order_world,
    sandboxes,
)

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


def _lose(path: Path, how: str) -> None:
    for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        extra.unlink(missing_ok=True)
    if how == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"")


async def _book(world: World, count: int) -> list[dict]:
    orders = [world.place() for _ in range(count)]
    await OrderPoll(world.ctx, world.intake).run(full=True)
    report = await world.worker.drain()
    assert report.booked == count and report.written_back == count, report
    return orders


def _forget_write_back(world: World, order_id: int) -> None:
    """As if tillsync had crashed between the booking and the receipt write-back."""
    with world.sb.lock:
        world.sb.orders[order_id]["meta_data"] = []


@pytest.mark.parametrize("how", ["truncated", "deleted"])
async def test_lost_database_books_no_order_twice(servers, tmp_path: Path, how: str) -> None:
    path = tmp_path / "state.db"
    async with order_world(servers, tmp_path, webhooks=False) as world:
        orders = await _book(world, 3)
        booked = len(world.sales())
    _forget_write_back(world, orders[0]["id"])
    _lose(path, how)

    ctx, close = await open_context(servers, path)
    try:
        assert ctx.store.fresh
        await _seed_store(ctx)  # the admin imports the mappings again; catalog re-links
        worker, intake = make_worker(ctx, world.alerts)
        await OrderPoll(ctx, intake).run(full=True)
        report = await worker.drain()
        assert len(world.sales()) == booked, "an order was booked a second time"
        for order in orders:
            entry = await ctx.store.outbox.get(order["id"])
            assert entry is not None and entry.state is OutboxState.DONE, entry
        assert report.failed == 0, report
    finally:
        await close()


async def test_damaged_database_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not SQLite\n" * 512)
    with pytest.raises(DamagedDatabaseError) as caught:
        await StateStore.open(path)
    assert str(path) in caught.value.message
    assert "tillsync recover" in caught.value.hint
    assert path.read_bytes().startswith(b"this is not SQLite")  # left as it was
