"""``tillsync sync`` sent to the service: its bar follows its own run, not the schedule's."""

from __future__ import annotations

import asyncio
import contextlib

from engine.events import EventBus, JobProgress
from tui.commands.sync_display import ProgressDisplay


async def _shown(display: ProgressDisplay, published: list[JobProgress]) -> list[int]:
    """The run ids the bar was updated with, once the last event published was handled."""
    bus, seen, last = EventBus(), [], asyncio.Event()
    events = bus.subscribe()

    def update(event: JobProgress) -> None:
        seen.append(event.run_id)

    display._update = update  # type: ignore[method-assign]
    follower = asyncio.create_task(display.follow(events))
    done = JobProgress(job="end", connection="end", run_id=-1, done=0)
    original = display._ours
    display._ours = lambda e: last.set() if e is done else original(e)  # type: ignore[method-assign]
    for event in [*published, done]:
        bus.publish(event)
    try:
        await asyncio.wait_for(last.wait(), 5)  # in order: everything before it was handled
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        display.stop()
    return seen


async def test_the_bar_follows_only_the_job_sent_to_the_service():
    display = ProgressDisplay("catalog", enabled=True, only=("shop1", "catalog"))
    shown = await _shown(
        display,
        [
            JobProgress(job="stock", connection="shop1", run_id=1, done=5),
            JobProgress(job="catalog", connection="shop2", run_id=2, done=5),
            JobProgress(job="catalog", connection="shop1", run_id=3, done=7),
        ],
    )
    assert shown == [3]


async def test_alone_the_bar_follows_every_progress_event():
    display = ProgressDisplay("orders_poll", enabled=True)
    shown = await _shown(display, [JobProgress(job="orders", connection="shop1", run_id=1, done=1)])
    assert shown == [1]
