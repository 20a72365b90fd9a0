"""Engine events into the store's event table, in small batches.

The dashboard's log pane and ``tillsync logs`` page through that table, so
everything the engine says survives a restart.  Batching keeps a busy run
from costing one fsync per event.

Stopping loses nothing: events taken off the bus wait in ``_pending`` (not
in a local variable a cancellation would drop), and a batch being written
is allowed to finish instead of being cancelled half-way through its
transaction.  So the last ``JobFinished`` of a one-off run is in the log.
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
        self._pending: list[EngineEvent] = []
        self._writing = False
        self._stopping = False

    def start(self) -> None:
        """Begin journaling; calling it again while it runs does nothing."""
        if self._task is not None:
            return
        self._stopping = False
        self._sub = self._bus.subscribe()
        self._task = asyncio.create_task(self._run(), name="event-journal")

    async def _run(self) -> None:
        assert self._sub is not None
        while not self._stopping:
            self._pending.append(await anext(self._sub))
            await asyncio.sleep(self._interval)
            await self._flush()

    async def _flush(self) -> None:
        self._writing = True
        try:
            batch = [*self._pending, *self._drain()]
            self._pending = []
            await self._write(batch)
        finally:
            self._writing = False

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
        """Write everything published so far, then unsubscribe."""
        if self._task is None:
            return
        self._stopping = True
        if not self._writing:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._flush()
        if self._sub is not None:
            self._sub.close()
        self._task = self._sub = None
