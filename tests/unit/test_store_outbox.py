"""The order outbox: de-duplication, claiming, the state machine, recovery, pending stock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import FailureKind
from engine.store import (
    EnqueueOutcome,
    OutboxLine,
    OutboxState,
    StateStore,
    TransitionError,
    UnknownOrderError,
)

START = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[StateStore]:
    async with StateStore.open(tmp_path / "outbox.db", clock=clock) as opened:
        yield opened


def order(order_id: int, *lines: tuple[str, int], status: str = "processing") -> dict:
    return {
        "id": order_id,
        "status": status,
        "line_items": [{"sku": sku, "quantity": qty} for sku, qty in lines],
    }


def rev(minute: int) -> datetime:
    return datetime(2025, 5, 1, 8, minute, tzinfo=UTC)


async def test_enqueue_tells_new_duplicate_stale_and_updated_apart(store: StateStore) -> None:
    first = await store.outbox.enqueue(1, rev(10), order(1, ("A", 1)), "webhook")
    assert first.outcome is EnqueueOutcome.NEW
    assert first.entry.state is OutboxState.WAITING

    same = await store.outbox.enqueue(1, rev(10), order(1, ("A", 9)), "poll")
    assert same.outcome is EnqueueOutcome.DUPLICATE

    newer = await store.outbox.enqueue(1, rev(20), order(1, ("A", 2)), "poll")
    assert newer.outcome is EnqueueOutcome.UPDATED
    assert newer.entry.modified_gmt == rev(20) and newer.entry.source == "poll"

    late = await store.outbox.enqueue(1, rev(15), order(1, ("A", 5)), "webhook")
    assert late.outcome is EnqueueOutcome.STALE

    held = await store.outbox.get(1)
    assert held is not None
    assert held.payload_data()["line_items"][0]["quantity"] == 2  # the newest one won
    assert held.idempotency_key == first.entry.idempotency_key
    details = [t.detail for t in await store.outbox.history(1)]
    assert details == ["new from webhook", "newer revision from poll"]


async def test_enqueue_refuses_naive_times_and_non_json_before_writing(store: StateStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.outbox.enqueue(1, datetime(2025, 1, 1), order(1), "webhook")
    with pytest.raises(json.JSONDecodeError):
        await store.outbox.enqueue(1, rev(1), "{not json", "webhook")
    with pytest.raises(ValueError):
        await store.outbox.enqueue(1, rev(1), order(1), "email")
    assert await store.outbox.get(1) is None


async def test_claim_due_takes_waiting_and_due_retries_only_once(
    store: StateStore, clock: Clock
) -> None:
    for order_id in (3, 1, 2, 4):
        await store.outbox.enqueue(order_id, rev(order_id), order(order_id), "webhook")
    claimed = await store.outbox.claim_due(limit=2)
    assert [e.woo_order_id for e in claimed] == [1, 2]
    assert all(e.state is OutboxState.IN_FLIGHT and e.attempts == 1 for e in claimed)
    assert [e.woo_order_id for e in await store.outbox.claim_due()] == [3, 4]
    assert await store.outbox.claim_due() == []

    retry_at = clock.now + timedelta(minutes=5)
    await store.outbox.mark_failed(1, kind=FailureKind.TRANSIENT, error="503", retry_at=retry_at)
    await store.outbox.mark_failed(2, kind=FailureKind.VALIDATION, error="bad sku")  # dead letter
    assert await store.outbox.claim_due(now=retry_at - timedelta(seconds=1)) == []
    again = await store.outbox.claim_due(now=retry_at)
    assert [(e.woo_order_id, e.attempts) for e in again] == [(1, 2)]
    assert await store.outbox.claim_due(now=retry_at + timedelta(days=9)) == []


async def test_two_workers_never_claim_the_same_order(store: StateStore) -> None:
    for order_id in range(1, 41):
        await store.outbox.enqueue(order_id, rev(1), order(order_id), "poll")

    async def worker() -> list[int]:
        taken: list[int] = []
        while batch := await store.outbox.claim_due(limit=3):
            taken += [e.woo_order_id for e in batch]
            await asyncio.sleep(0)
        return taken

    first, second = await asyncio.gather(worker(), worker())
    assert sorted(first + second) == list(range(1, 41))
    assert not set(first) & set(second)


async def test_failure_details_are_kept_for_the_debugger(store: StateStore) -> None:
    await store.outbox.enqueue(7, rev(1), order(7), "webhook")
    await store.outbox.claim_due()
    failed = await store.outbox.mark_failed(
        7,
        kind=FailureKind.VALIDATION,
        error="unknown product 'X'",
        hint="map the SKU",
        request="POST /receipts {...}",
        response='422 {"error": "unknown product"}',
    )
    assert failed.state is OutboxState.FAILED and failed.next_attempt_at is None
    assert (failed.last_error_kind, failed.hint) == ("validation", "map the SKU")
    assert failed.last_request == "POST /receipts {...}"
    assert "unknown product" in (failed.last_response or "")
    assert "POST /receipts" not in repr(failed)  # bodies stay out of logs
    assert [t.to_state for t in await store.outbox.history(7)] == [
        OutboxState.WAITING,
        OutboxState.IN_FLIGHT,
        OutboxState.FAILED,
    ]


async def test_a_newer_revision_makes_a_failed_order_due_again(store: StateStore) -> None:
    await store.outbox.enqueue(8, rev(1), order(8), "webhook")
    await store.outbox.claim_due()
    await store.outbox.mark_failed(8, kind="validation", error="bad address")
    result = await store.outbox.enqueue(8, rev(2), order(8), "webhook")
    assert result.entry.state is OutboxState.WAITING
    assert [e.woo_order_id for e in await store.outbox.claim_due()] == [8]


async def test_revisions_after_booking_are_listed_until_handled(store: StateStore) -> None:
    for order_id in (1, 2):
        await store.outbox.enqueue(order_id, rev(1), order(order_id), "webhook")
    await store.outbox.claim_due()
    # order 2 changes while in flight; order 1 after it was booked
    await store.outbox.enqueue(2, rev(2), order(2, status="completed"), "webhook")
    for order_id in (1, 2):
        await store.outbox.mark_done(order_id, f"R{order_id}")
    await store.outbox.enqueue(1, rev(3), order(1, status="cancelled"), "webhook")

    revised = await store.outbox.revised_after_booking()
    assert [(e.woo_order_id, e.state) for e in revised] == [(1, "done"), (2, "done")]
    await store.outbox.acknowledge_revision(2)
    voiding = await store.outbox.mark_voiding(1, "cancelled in Woo")
    assert voiding.state is OutboxState.VOIDING
    assert await store.outbox.revised_after_booking() == []


async def test_void_flow_and_a_failed_void_stays_voiding(store: StateStore, clock: Clock) -> None:
    await store.outbox.enqueue(5, rev(1), order(5), "webhook")
    await store.outbox.claim_due()
    await store.outbox.mark_done(5, "R-5")
    await store.outbox.mark_voiding(5, "refunded")
    retry_at = clock.now + timedelta(minutes=1)
    still = await store.outbox.mark_failed(5, kind="transient", error="timeout", retry_at=retry_at)
    assert still.state is OutboxState.VOIDING  # never back to a state claim_due would book
    assert await store.outbox.claim_due(now=retry_at) == []
    assert await store.outbox.due_voids(now=retry_at - timedelta(seconds=1)) == []
    assert [e.woo_order_id for e in await store.outbox.due_voids(now=retry_at)] == [5]
    voided = await store.outbox.mark_voided(5, "STORNO-5")
    assert (voided.state, voided.void_ref, voided.backoffice_ref) == ("voided", "STORNO-5", "R-5")
    assert voided.last_error is None


async def test_hold_and_release_held_per_connection(store: StateStore) -> None:
    for conn in ("default", "shop2"):
        for order_id in (1, 2, 3):
            await store.outbox.enqueue(order_id, rev(1), order(order_id), "poll", connection=conn)
        await store.outbox.hold(1, "payment method 'cod' not mapped", connection=conn)
        await store.outbox.claim_due(limit=1, connection=conn)  # takes order 2
        await store.outbox.hold(2, "location missing", connection=conn)
    held = await store.outbox.get(1)
    assert held is not None and held.last_error == "payment method 'cod' not mapped"
    assert [e.woo_order_id for e in await store.outbox.claim_due()] == [3]  # held ones wait
    assert await store.outbox.release_held("default") == 2
    assert (await store.outbox.counts(connection="shop2"))[OutboxState.HELD] == 2
    assert {e.woo_order_id for e in await store.outbox.claim_due()} == {1, 2}


async def test_skip_and_retry(store: StateStore) -> None:
    await store.outbox.enqueue(9, rev(1), order(9), "webhook")
    skipped = await store.outbox.skip(9, "test order")
    assert skipped.state is OutboxState.SKIPPED
    assert await store.outbox.claim_due() == []
    await store.outbox.retry(9)
    assert [e.woo_order_id for e in await store.outbox.claim_due()] == [9]


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "mark_done"),  # waiting → done skips the worker
        ([], "mark_voided"),
        (["claim"], "retry"),  # in flight: the worker owns it
        (["claim", "done"], "skip"),
        (["claim", "done"], "hold"),
        ([], "mark_voiding"),  # nothing booked to void
    ],
)
async def test_disallowed_moves_raise(store: StateStore, setup: list[str], action: str) -> None:
    await store.outbox.enqueue(4, rev(1), order(4), "webhook")
    if "claim" in setup:
        await store.outbox.claim_due()
    if "done" in setup:
        await store.outbox.mark_done(4, "R")
    before = await store.outbox.get(4)
    calls = {
        "mark_done": lambda: store.outbox.mark_done(4, "R2"),
        "mark_voided": lambda: store.outbox.mark_voided(4, "V"),
        "retry": lambda: store.outbox.retry(4),
        "skip": lambda: store.outbox.skip(4, "no"),
        "hold": lambda: store.outbox.hold(4, "no"),
        "mark_voiding": lambda: store.outbox.mark_voiding(4, "no"),
    }
    with pytest.raises(TransitionError):
        await calls[action]()
    assert await store.outbox.get(4) == before


async def test_unknown_orders_are_reported(store: StateStore) -> None:
    with pytest.raises(UnknownOrderError):
        await store.outbox.mark_done(404, "R")


async def test_recover_in_flight_returns_crashed_work_with_the_same_key(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "crash.db"
    async with StateStore.open(path, clock=clock) as store:
        for order_id in (1, 2, 3):
            await store.outbox.enqueue(order_id, rev(1), order(order_id), "webhook")
        await store.outbox.enqueue(1, rev(1), order(1), "poll", connection="shop2")
        claimed = await store.outbox.claim_due(limit=2)
        await store.outbox.claim_due(connection="shop2")
        await store.outbox.mark_done(1, "R1")
        keys = {e.woo_order_id: e.idempotency_key for e in claimed}
        await store.runs.start_run("orders")
    # the process "dies" here with order 2 (default) and 1 (shop2) in flight
    async with StateStore.open(path, clock=clock) as store:
        recovery = await store.recover()
        assert (recovery.orders_back_to_waiting, recovery.runs_closed) == (2, 1)
        assert (await store.outbox.get(1)).state is OutboxState.DONE  # type: ignore[union-attr]
        again = await store.outbox.claim_due()
        assert (again[0].woo_order_id, again[0].idempotency_key) == (2, keys[2])
        assert [e.woo_order_id for e in again] == [2, 3]
        history = await store.outbox.history(2)
        assert history[-2].detail.startswith("recovered after restart")
        assert (await store.runs.last_run("orders")).ok is False  # type: ignore[union-attr]


async def test_pending_quantities_count_orders_not_yet_in_the_back_office(
    store: StateStore,
) -> None:
    await store.outbox.enqueue(1, rev(1), order(1, ("A", 2), ("B", 1)), "webhook")
    await store.outbox.enqueue(2, rev(1), order(2, ("A", 3), ("A", 1)), "webhook")
    await store.outbox.enqueue(3, rev(1), order(3, ("C", 5)), "webhook")
    await store.outbox.enqueue(4, rev(1), order(4, ("A", 100)), "webhook", lines=())
    await store.outbox.enqueue(5, rev(1), order(5), "poll", lines=[OutboxLine("D", Decimal("0.5"))])
    await store.outbox.enqueue(6, rev(1), order(6, ("", 7), ("A", 1)), "poll")  # no-SKU line
    await store.outbox.enqueue(1, rev(1), order(1, ("A", 1)), "webhook", connection="shop2")
    expected = {"A": Decimal(7), "B": Decimal(1), "C": Decimal(5), "D": Decimal("0.5")}
    assert await store.outbox.pending_quantities_by_sku() == expected

    await store.outbox.claim_due(limit=3)  # 1, 2, 3 in flight: still not booked
    await store.outbox.hold(3, "waiting for a mapping")
    await store.outbox.mark_failed(2, kind="transient", error="timeout")
    assert await store.outbox.pending_quantities_by_sku() == expected

    await store.outbox.mark_done(1, "R1")
    await store.outbox.skip(3, "duplicate order")
    await store.outbox.enqueue(2, rev(2), order(2, ("A", 1)), "poll")  # newer lines replace old
    assert await store.outbox.pending_quantities_by_sku() == {
        "A": Decimal(2),
        "D": Decimal("0.5"),
    }
    assert await store.outbox.pending_quantities_by_sku("shop2") == {"A": Decimal(1)}


async def test_dashboard_queries(store: StateStore, clock: Clock) -> None:
    assert await store.outbox.oldest_waiting_age() is None
    await store.outbox.enqueue(1, rev(1), order(1), "webhook")
    clock.advance(minutes=10)
    await store.outbox.enqueue(2, rev(1), order(2), "webhook")
    await store.outbox.enqueue(3, rev(1), order(3), "webhook")
    await store.outbox.skip(3, "test")
    clock.advance(minutes=5)
    assert await store.outbox.oldest_waiting_age() == timedelta(minutes=15)
    counts = await store.outbox.counts()
    assert (counts[OutboxState.WAITING], counts[OutboxState.SKIPPED]) == (2, 1)
    assert sum(counts.values()) == 3 and set(counts) == set(OutboxState)
    waiting = await store.outbox.list_by_state(OutboxState.WAITING)
    assert [e.woo_order_id for e in waiting] == [2, 1]
    assert len(await store.outbox.list_by_state()) == 3
    key = waiting[0].idempotency_key
    assert (await store.outbox.by_idempotency_key(key)).woo_order_id == 2  # type: ignore[union-attr]


async def test_idempotency_keys_differ_per_connection_and_install(tmp_path: Path) -> None:
    keys = set()
    for name in ("one.db", "two.db"):
        async with StateStore.open(tmp_path / name) as store:
            for conn in ("default", "shop2"):
                result = await store.outbox.enqueue(42, rev(1), order(42), "poll", connection=conn)
                keys.add(result.entry.idempotency_key)
            custom = await store.outbox.enqueue(
                43, rev(1), order(43), "poll", idempotency_key=f"shop.example-43-{name}"
            )
            assert custom.entry.idempotency_key == f"shop.example-43-{name}"
    assert len(keys) == 4
    assert all(key.startswith("woo-42-") for key in keys)
