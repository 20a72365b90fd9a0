"""Upgrading from install-id keys re-books nothing.

``fixtures/state_v3.sql`` is a state database written by the last release
with install-id keys: order 111 booked, 112 failed for good, 113 waiting (in
the fixture, 113 also reached KORONA before a crash, which this test replays
by booking it under its old key first).  Opened by this release it migrates;
every entry keeps its key, the drain books nothing new, and the same
revisions arriving again from a poll are duplicates.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.backends.base import IdempotencyKey
from engine.order_keys import OrderKey, legacy_scope
from engine.store import OrderSource, OutboxState
from engine.store.state_store import LegacyKeys
from engine.sync.orders.booking import BookingCheck
from engine.sync.orders.mapping import order_from_woo
from engine.sync.orders.relink import relink_orders
from engine.sync.orders.rules import sale_key
from engine.sync.orders.start_point import StartPoint
from engine.sync.orders.store_marker import ensure_store_marker
from engine.woo.marker import find_marker
from tests.integration.orders_harness import (
    RecordingAlerts,
    make_worker,
    open_context,
    order_world,
    sandboxes,
)

pytestmark = pytest.mark.timeout(60)

DUMP = Path(__file__).with_name("fixtures") / "state_v3.sql"
BOOKED, FAILED, WAITING = 111, 112, 113


def _restore(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.executescript(DUMP.read_text(encoding="utf-8"))
    install_id = conn.execute("SELECT value FROM meta WHERE key = 'install_id'").fetchone()[0]
    conn.close()
    return install_id


def _delete(path: Path) -> None:
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


async def test_upgraded_database_rebooks_none_of_its_orders(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    install_id = _restore(path)
    with sandboxes() as servers:
        ctx, close = await open_context(servers, path)
        try:
            store = ctx.store
            assert not store.fresh and (await store.legacy_keys()).install_id == install_id
            before = {o: await store.outbox.get(o) for o in (BOOKED, FAILED, WAITING)}
            old = legacy_scope(install_id, "default")
            assert all(e.idempotency_key == OrderKey(o, old).value for o, e in before.items())
            waiting = before[WAITING]
            # the crash the fixture stands for: 113 reached KORONA, our commit did not
            check = BookingCheck(store, "default")
            prepared = await check.prepare(order_from_woo(waiting.payload_data()))
            assert prepared.ready, prepared.describe()
            await ctx.backend.create_sale(prepared.order, sale_key(waiting))
            sales = len(servers.korona.receipts())

            worker, intake = make_worker(ctx, RecordingAlerts())
            for entry in before.values():  # the same revisions, read again by a poll
                await intake.offer(entry.payload_data(), entry.modified_gmt, OrderSource.POLL)
            report = await worker.drain()

            assert len(servers.korona.receipts()) == sales, "an order was booked again"
            after = {o: await store.outbox.get(o) for o in before}
            assert {o: e.state for o, e in after.items()} == {
                BOOKED: OutboxState.DONE,
                FAILED: OutboxState.FAILED,
                WAITING: OutboxState.DONE,
            }
            assert all(after[o].idempotency_key == before[o].idempotency_key for o in before)
            assert report.failed == 0, report
        finally:
            await close()


async def test_old_key_booking_is_found_after_the_upgraded_database_is_lost(
    tmp_path: Path,
) -> None:
    """Booked under the old key, never written back; then the database and the marker
    file are gone: the WooCommerce marker still knows the old install id."""
    install_id = _restore(tmp_path / "state.db")
    with sqlite3.connect(tmp_path / "state.db") as conn:  # a new shop: catalog from scratch
        conn.execute("DELETE FROM cursors")
        conn.execute("DELETE FROM links")
    with sandboxes() as servers:
        async with order_world(servers, tmp_path, webhooks=False) as world:
            ctx = world.ctx
            order = world.place()
            old_key = IdempotencyKey(legacy_scope(install_id, "default"), order["id"], 0)
            prepared = await BookingCheck(ctx.store, "default").prepare(order_from_woo(order))
            await ctx.backend.create_sale(prepared.order, old_key)  # before the upgrade
            await StartPoint(ctx.store, "default").set(datetime.now(UTC) - timedelta(hours=1))
            await ensure_store_marker(ctx)
        receipts = len(servers.korona.receipts())
        _delete(tmp_path / "state.db")

        ctx, close = await open_context(servers, tmp_path / "state.db")
        try:
            marker = await find_marker(ctx.woo, "default")
            assert marker is not None and marker.legacy == install_id
            await ctx.store.remember_legacy_keys(LegacyKeys(marker.legacy, None))
            since = datetime.fromisoformat(marker.since)
            worker, intake = make_worker(ctx, RecordingAlerts())
            report = await relink_orders(ctx, intake, since)
            assert report.linked_from_backoffice == 1, report
            drained = await worker.drain()
            assert drained.booked == 0 and drained.failed == 0, drained
            assert len(servers.korona.receipts()) == receipts
            entry = await ctx.store.outbox.get(order["id"])
            assert entry.state is OutboxState.DONE
        finally:
            await close()
