"""Engine events into the store's event table, in small batches.

The dashboard's log pane and ``tillsync logs`` page through that table, so
everything the engine says survives a restart.  Batching keeps a busy run
from costing one fsync per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from engine.events import EngineEvent, EventBus, JobProgress, Subscription
from engine.store import StateStore

__all__ = ["EventJournal"]

log = logging.getLogger(__name__)


class EventJournal:
    """Subscribes to the bus and appends every event but progress ticks."""

    def __init__(self, bus: EventBus, store: StateStore, *, interval: float = 0.5) -> None:
        self._bus = bus
        self._store = store
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._sub: Subscription | None = None

    def start(self) -> None:
        self._sub = self._bus.subscribe()
        self._task = asyncio.create_task(self._run(), name="event-journal")

    async def _run(self) -> None:
        assert self._sub is not None
        while True:
            first = await anext(self._sub)
            await asyncio.sleep(self._interval)
            batch = [first, *self._drain()]
            await self._write(batch)

    def _drain(self) -> list[EngineEvent]:
        return self._sub.drain() if self._sub is not None else []

    async def _write(self, events: list[EngineEvent]) -> None:
        records = [e.to_record() for e in events if not isinstance(e, JobProgress)]
        if not records:
            return
        try:
            await self._store.events.append_many(records)
        except Exception:  # the journal must never take the engine down
            log.exception("could not write %d events to the store", len(records))

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._write(self._drain())
        if self._sub is not None:
            self._sub.close()
