"""The outbox's ``confirming`` state and the migration that adds it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from engine.store import OutboxLine, OutboxState, StateStore, TransitionError
from engine.store.database import Database
from engine.store.schema import MIGRATIONS, migrate

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BEFORE = next(i for i, m in enumerate(MIGRATIONS, 1) if "'confirming'" in m.description) - 1
T0 = "2026-11-01T00:00:00.000000+00:00"


async def _claimed(store: StateStore, order_id: int = 7) -> None:
    lines = [OutboxLine("SKU-1", Decimal(2))]
    await store.outbox.enqueue(order_id, NOW, {"id": order_id}, "poll", lines=lines)
    (entry,) = await store.outbox.claim_due(NOW)
    assert entry.woo_order_id == order_id


async def test_accepted_is_not_done_until_confirmed(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "s.db", clock=lambda: NOW) as store:
        await _claimed(store)
        later = NOW + timedelta(seconds=30)
        entry = await store.outbox.mark_confirming(
            7, "req-1", confirm_by=NOW + timedelta(hours=1), check_at=later
        )
        assert entry.state is OutboxState.CONFIRMING and entry.backoffice_ref is None
        assert (entry.pending_ref, entry.confirm_by) == ("req-1", NOW + timedelta(hours=1))
        assert await store.outbox.claim_due(later) == []  # never booked a second time
        assert await store.outbox.pending_quantities_by_sku() == {
            "SKU-1": Decimal(2)
        }  # stock kept back
        assert await store.outbox.confirming_due(NOW) == []
        assert [e.woo_order_id for e in await store.outbox.confirming_due(later)] == [7]
        assert (await store.outbox.by_pending_ref("req-1")).woo_order_id == 7
        await store.outbox.check_confirming_at(7, later + timedelta(minutes=1))
        assert await store.outbox.confirming_due(later) == []
        assert await store.outbox.recover_in_flight() == 0  # a restart leaves it be
        done = await store.outbox.mark_confirmed(7, "R-100", detail="confirmed as R-100")
        assert (done.state, done.backoffice_ref, done.confirm_by) == (
            OutboxState.DONE,
            "R-100",
            None,
        )
        assert await store.outbox.by_pending_ref("req-1") is None


async def test_only_an_order_in_flight_becomes_confirming(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "s.db", clock=lambda: NOW) as store:
        await store.outbox.enqueue(8, NOW, {"id": 8}, "poll")
        with pytest.raises(TransitionError):
            await store.outbox.mark_confirming(8, "r", confirm_by=NOW, check_at=NOW)


async def test_the_upgrade_keeps_every_order_its_lines_and_history(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = await Database.connect(path)
    await migrate(db, target=BEFORE)
    async with db.transaction():
        await db.execute(
            "INSERT INTO outbox (connection, woo_order_id, state, source, modified_gmt, payload,"
            " idempotency_key, backoffice_ref, created_at, updated_at)"
            " VALUES ('shop1', 41, 'done', 'poll', ?, '{}', 'woo-41-ab', 'R-1', ?, ?)",
            (T0, T0, T0),
        )
        await db.execute(
            "INSERT INTO outbox_lines VALUES ('shop1', 41, 0, 'SKU-9', '3')",
        )
        await db.execute(
            "INSERT INTO outbox_history (connection, woo_order_id, at, to_state, detail)"
            " VALUES ('shop1', 41, ?, 'done', 'booked as R-1')",
            (T0,),
        )
    await db.close()

    async with StateStore.open(path) as store:
        entry = await store.outbox.get(41, connection="shop1")
        assert (entry.state, entry.backoffice_ref, entry.pending_ref) == (
            OutboxState.DONE, "R-1", None,
        )  # fmt: skip
        history = await store.outbox.history(41, connection="shop1")
        assert [h.detail for h in history] == ["booked as R-1"]
        db = store._db  # the children still point at the rebuilt table
        assert await db.fetch_value("SELECT count(*) FROM outbox_lines") == 1
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
