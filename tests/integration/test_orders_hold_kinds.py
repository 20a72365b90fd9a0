"""A held order keeps its hold kind and missing mappings as data (issue 15).

The reason stays a sentence for people; the kind and what is missing are
columns of the outbox row, so the dashboard, the intake and the read models
never parse the sentence back.  Rows held before the columns existed get
their kind from the sentence once, when the database is migrated.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import OutboxState, StateStore
from engine.store.database import Database
from engine.store.schema import LATEST_VERSION, migrate
from engine.sync.orders import HoldKind, kind_of

from .orders_harness import order_world, sandboxes
from .test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def test_an_unmapped_gateway_is_held_with_its_kind_and_what_it_misses(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(payment="cheque", status="completed")
        await arrived(world, order["id"])
        assert (await world.worker.drain()).held == 1
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.HELD
        assert entry.hold_kind == HoldKind.NEEDS_MAPPING
        assert entry.hold_missing == ("payment gateway 'cheque' (Check payments)",)
        assert kind_of(entry) is HoldKind.NEEDS_MAPPING

        await world.ctx.store.outbox.retry(order["id"], connection="default")
        assert kind_of(await world.entry(order["id"])) is None  # not held: no kind


async def test_an_order_not_at_its_trigger_status_is_held_not_ready(
    servers, tmp_path: Path
) -> None:
    async with order_world(servers, tmp_path) as world:
        order = world.place(status="processing")
        await arrived(world, order["id"])
        await world.worker.drain()
        entry = await world.entry(order["id"])
        assert (entry.hold_kind, entry.hold_missing) == (HoldKind.NOT_READY, ())


async def test_rows_held_before_the_columns_get_their_kind_from_the_sentence(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    db = await Database.connect(path)
    await migrate(db, target=LATEST_VERSION - 1)
    async with db.transaction():
        for order_id, state, reason in (
            (1, "held", "needs mapping: payment gateway 'cheque'"),
            (2, "held", "not ready: waits for status 'completed' (now 'processing')"),
            (3, "failed", "needs mapping: a failure that only reads like one"),
        ):
            await db.execute(
                "INSERT INTO outbox (connection, woo_order_id, state, source, modified_gmt,"
                " idempotency_key, attempts, last_error, created_at, updated_at, payload)"
                " VALUES ('default', ?, ?, 'poll', '2026-01-01T00:00:00.000000+00:00', ?, 0, ?,"
                " '2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00', '{}')",
                (order_id, state, f"woo-{order_id}-abcd1234", reason),
            )
    await db.close()
    async with StateStore.open(path) as store:
        kinds = [(await store.outbox.get(i)).hold_kind for i in (1, 2, 3)]  # type: ignore[union-attr]
    assert kinds == ["needs mapping", "not ready", None]
