"""Write-back debts: their own table, moved out of the skipped items on upgrade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.store import StateStore, WriteBackState
from engine.store.database import Database
from engine.store.schema import MIGRATIONS, migrate

BEFORE = next(i for i, m in enumerate(MIGRATIONS, 1) if "write-back" in m.description) - 1
T0 = "2025-01-01T00:00:00.000000+00:00"


async def test_an_upgrade_moves_owed_write_backs_out_of_the_skipped_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = await Database.connect(path)
    await migrate(db, target=BEFORE)
    async with db.transaction():
        for kind, key in (("order_writeback", "41"), ("order_writeback", "42"), ("product", "P")):
            await db.execute(
                "INSERT INTO skipped (connection, kind, key, reason, first_seen, last_seen)"
                " VALUES ('shop1', ?, ?, 'why', ?, ?)",
                (kind, key, T0, T0),
            )
    await db.close()

    async with StateStore.open(path) as store:
        debts = await store.writebacks.entries(connection="shop1")
        assert [(d.woo_order_id, d.state) for d in debts] == [
            (41, WriteBackState.OWED),
            (42, WriteBackState.OWED),
        ]
        assert await store.writebacks.due(connection="shop1") == [41, 42]
        left = await store.skipped.entries("order_writeback", connection="shop1")
        assert left == []  # "clear skip" on the products screen can't reach them any more
        assert await store.skipped.count(connection="shop1") == 1


async def test_owed_dead_postponed_and_retried(tmp_path: Path) -> None:
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    async with StateStore.open(tmp_path / "s.db", clock=lambda: now) as store:
        debts = store.writebacks
        async with store.transaction():
            for order in (1, 2, 3):
                await debts.owe(order)
        await debts.postpone(1, "503", now + timedelta(minutes=5))
        await debts.dead_letter(2, "404", "gone")
        assert await debts.due(now) == [3]
        assert await debts.due(now + timedelta(minutes=5)) == [1, 3]
        assert [d.woo_order_id for d in await debts.entries()] == [2, 1, 3]  # dead first
        assert await debts.retry(2)
        assert await debts.due(now) == [2, 3]
        assert await debts.settle(3) and not await debts.settle(3)
        assert await debts.count() == 2
