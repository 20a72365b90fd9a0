"""Job runs and the persisted event log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.events import ItemSkipped, JobFinished, Level, LogEvent
from engine.store import RunCounts, StateStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 7, 1, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[StateStore]:
    async with StateStore.open(tmp_path / "runs.db", clock=clock, events_keep=50) as opened:
        yield opened


async def test_a_run_is_started_finished_and_reported(store: StateStore, clock: Clock) -> None:
    run_id = await store.runs.start_run("catalog", full=True, dry_run=True)
    running = await store.runs.get(run_id)
    assert running.running and running.ok is None and running.full and running.dry_run
    clock.now += timedelta(seconds=42)
    done = await store.runs.finish_run(
        run_id, ok=True, counts=RunCounts(read=10, written=3, failed=1, skipped=2), requests=7
    )
    assert (done.ok, done.counts, done.requests) == (True, RunCounts(10, 3, 1, 2), 7)
    assert done.finished_at is not None
    assert done.finished_at - done.started_at == timedelta(seconds=42)
    with pytest.raises(LookupError):
        await store.runs.finish_run(run_id, ok=False)  # a run finishes once


async def test_last_run_per_job_and_recent_runs(store: StateStore) -> None:
    first = await store.runs.start_run("stock")
    await store.runs.finish_run(first, ok=False, error="timeout")
    second = await store.runs.start_run("stock")
    catalog = await store.runs.start_run("catalog")
    other = await store.runs.start_run("stock", connection="shop2")
    last = await store.runs.last_run("stock")
    assert last is not None and last.id == second
    assert {job: run.id for job, run in (await store.runs.last_runs()).items()} == {
        "catalog": catalog,
        "stock": second,
    }
    assert [r.id for r in await store.runs.recent(limit=3)] == [other, catalog, second]
    assert [r.id for r in await store.runs.recent(job="stock", connection="default")] == [
        second,
        first,
    ]
    assert await store.runs.last_run("orders") is None


async def test_interrupted_runs_are_closed_as_failed(store: StateStore) -> None:
    open_run = await store.runs.start_run("orders")
    finished = await store.runs.start_run("stock")
    await store.runs.finish_run(finished, ok=True)
    assert await store.runs.close_interrupted() == 1
    closed = await store.runs.get(open_run)
    assert closed.ok is False and "interrupted" in closed.error
    assert (await store.runs.get(finished)).ok is True


async def test_event_records_are_stored_and_filtered(store: StateStore) -> None:
    await store.events.append_many(
        [
            LogEvent(text="catalog started", job="catalog").to_record(),
            ItemSkipped(job="catalog", entity="product", key="P1", reason="no sku").to_record(),
            JobFinished(job="stock", run_id=1, ok=False, duration_s=1.5, error="x").to_record(),
            LogEvent(text="50% off", job="stock", level=Level.ERROR, data={"n": 3}).to_record(),
            LogEvent(text="5_0 literal", job="stock", connection="shop2").to_record(),
        ]
    )
    everything = await store.events.query()
    assert everything[0].at.tzinfo is not None
    assert [e.message for e in everything][:2] == ["5_0 literal", "50% off"]
    assert everything[1].data["n"] == 3 and everything[1].level == "error"
    assert [e.type for e in await store.events.query(job="catalog")] == [
        "ItemSkipped",
        "LogEvent",
    ]
    warnings = await store.events.query(min_level="warning")
    assert [e.type for e in warnings] == ["LogEvent", "ItemSkipped"]
    assert [e.message for e in await store.events.query(contains="50%")] == ["50% off"]
    assert [e.message for e in await store.events.query(contains="5_0")] == ["5_0 literal"]
    assert [e.entity for e in await store.events.query(contains="product")] == ["product"]
    assert len(await store.events.query(connection="shop2")) == 1


async def test_event_pages_go_back_with_before_id(store: StateStore) -> None:
    await store.events.append_many(LogEvent(text=f"e{i}").to_record() for i in range(30))
    page1 = await store.events.query(limit=10)
    page2 = await store.events.query(limit=10, before_id=page1[-1].id)
    assert [e.message for e in page1 + page2] == [f"e{i}" for i in range(29, 9, -1)]


async def test_secret_looking_values_are_masked(store: StateStore) -> None:
    record = LogEvent(
        text="auth failed",
        data={"consumer_secret": "cs_live_123", "headers": {"Authorization": "Basic xyz"}},
    ).to_record()
    await store.events.append(record)
    (event,) = await store.events.query()
    assert event.data["consumer_secret"] == "***"
    assert event.data["headers"] == {"Authorization": "***"}
    raw = await store._db.fetch_value("SELECT data FROM events")
    assert "cs_live_123" not in raw and "xyz" not in raw


async def test_the_event_table_stays_bounded(store: StateStore) -> None:
    await store.events.append_many(LogEvent(text=f"e{i}").to_record() for i in range(120))
    assert await store.events.prune() == 70  # events_keep=50
    assert await store.events.count() == 50
    assert (await store.events.query(limit=1))[0].message == "e119"
    for i in range(1_100):  # the automatic prune runs as events accumulate
        await store.events.append(LogEvent(text=f"f{i}").to_record())
    assert await store.events.count() == 50 + 100  # pruned at the 1000th, then 100 more


async def test_noise_cannot_evict_order_history(store: StateStore) -> None:
    """A stuck job logging thousands of lines used to push every order's story out."""
    orders = [LogEvent(text=f"order #{i} booked", job="orders") for i in range(10)]
    admin = [LogEvent(text="order #3 to be reversed by the admin", job="admin")]
    await store.events.append_many(e.to_record() for e in (*orders, *admin))
    noise = (LogEvent(text=f"stock retry {i}", job="stock") for i in range(200))
    await store.events.append_many(e.to_record() for e in noise)
    await store.events.prune()  # events_keep=50 of each kind
    kept = await store.events.query(limit=1_000)
    assert sum(e.job in ("orders", "admin") for e in kept) == 11
    assert sum(e.job == "stock" for e in kept) == 50


async def test_events_age_out_by_kind(store: StateStore, clock: Clock) -> None:
    def at(days: int) -> datetime:
        return clock.now - timedelta(days=days)

    events = [
        LogEvent(text="old order", job="orders", at=at(200)),
        LogEvent(text="order of last quarter", job="orders", at=at(60)),
        LogEvent(text="stock of last quarter", job="stock", at=at(60)),
        LogEvent(text="stock of last week", job="stock", at=at(7)),
    ]
    await store.events.append_many(e.to_record() for e in events)
    assert await store.events.prune() == 2
    kept = {e.message for e in await store.events.query()}
    assert kept == {"order of last quarter", "stock of last week"}
