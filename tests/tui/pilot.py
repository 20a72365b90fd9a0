"""Waiting for the console to be still: every worker done but the event pump.

Every wait here polls a condition against a deadline; none trusts a fixed
sleep to be long enough (on a loaded machine it isn't).  Text cursors are
made steady while settling: a focused Input blinks every 0.5 s, so a shot
taken a little later on a busy machine would otherwise catch it hidden.
"""

from __future__ import annotations

import asyncio
import time

from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerState

LONG_LIVED = {"engine-events"}


async def settle(pilot: Pilot, within: float = 20.0, *, engine: bool = True) -> None:
    """Until no short-lived worker runs (loads, probes, actions), then one more frame."""
    app = pilot.app
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await pilot.pause()
        busy = [
            w
            for w in app.workers
            if w.group not in LONG_LIVED and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if not busy and (app.ready or not engine):
            steady_cursors(pilot)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the console did not settle: {[w.name for w in app.workers]}")


def steady_cursors(pilot: Pilot) -> None:
    """Stop every text cursor on the screen blinking (shown steadily instead)."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


async def until(pilot: Pilot, condition, within: float = 20.0) -> None:
    """Poll ``condition()`` between frames; fail with a clear message when it never holds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await pilot.pause()
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("condition never held")


async def until_async(pilot: Pilot, condition, within: float = 20.0) -> None:
    """Like :func:`until` for an async ``condition()`` (a store query)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await pilot.pause()
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("condition never held")
