"""A job sent to the service never runs beside the service's own run of it.

Before the control socket, ``tillsync sync`` refused while the service ran;
now it is done by the service, so the scheduler's run and the one-off run of
the same job on the same connection must take turns.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest

from engine.config import load_config
from engine.runtime import JOBS, Engine, Job
from engine.runtime.connection import ConnectionRuntime
from tests.tui.seed import CONNECTION, start_shop, write_config


class Recorder:
    """A stand-in stock job that holds until released and counts how many run at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.runs = 0

    async def __call__(self, conn: ConnectionRuntime, **options: object) -> None:
        self.running += 1
        self.most = max(self.most, self.running)
        self.started.set()
        try:
            await self.release.wait()
        finally:
            self.running -= 1
            self.runs += 1


async def test_a_one_off_run_waits_for_the_scheduled_run(monkeypatch: pytest.MonkeyPatch):
    shop = start_shop()
    folder = Path(tempfile.mkdtemp(prefix="tso"))
    recorder = Recorder()
    monkeypatch.setitem(JOBS, "stock", Job("stock", call=recorder))
    try:
        config = load_config(write_config(folder, shop.woo_url, shop.korona_url))
        async with await Engine.open(config) as engine:
            await engine.start()
            engine.run_now("stock", CONNECTION)  # the scheduler's run
            await asyncio.wait_for(recorder.started.wait(), 10)
            one_off = asyncio.ensure_future(engine.run_job("stock", CONNECTION))
            for _ in range(20):  # give the one-off every chance to start beside it
                await asyncio.sleep(0)
            assert recorder.running == 1
            recorder.release.set()
            await asyncio.wait_for(one_off, 10)
            assert (recorder.runs, recorder.most) == (2, 1)
    finally:
        shop.stop()
