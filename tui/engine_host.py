"""The engine on its own thread and event loop, so the console never waits on it.

WHY a second loop: a 10,000-product sync spends long stretches in Python
(building and parsing 100-item batches) between two awaits; on the UI's
loop each stretch would freeze the screen.  On its own thread the engine
only competes for the GIL, which switches every few milliseconds, so a key
press is handled while a batch is being parsed.

Everything that touches the engine goes through :meth:`EngineHost.call`
(the store, the clients and the scheduler are bound to the engine's loop).
Engine events cross back through :meth:`EngineHost.forward`, which feeds a
queue the console's one event worker reads.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from engine.runtime import EngineEvent, JobProgress, Subscription

__all__ = ["EngineHost", "coalesce"]

T = TypeVar("T")

log = logging.getLogger(__name__)


class EngineHost:
    """One daemon thread running one asyncio loop for the engine's whole life."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pump: asyncio.Future[None] | None = None

    def start(self) -> None:
        if self._loop is not None:
            return
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="tillsync-engine", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread

    @property
    def running(self) -> bool:
        return self._loop is not None and self._loop.is_running()

    async def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the engine's loop and wait for it without blocking this one.

        Cancelling the caller cancels the work on the engine's side too.
        """
        if self._loop is None:
            work.close()
            raise RuntimeError("the engine host is not running")
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        return await asyncio.wrap_future(future)

    async def call_sync(self, function: Callable[..., T], *args: Any) -> T:
        """A plain function that must run on the engine's loop (the scheduler's run_now).

        Attached to a service the same call is a request (an awaitable): it is awaited.
        """

        async def run() -> T:
            answer = function(*args)
            return await answer if inspect.isawaitable(answer) else answer

        return await self.call(run())

    def forward(
        self,
        subscription: Subscription,
        deliver: Callable[[list[EngineEvent]], None],
        every: float = 0.05,
    ) -> None:
        """Hand the events of ``subscription`` to ``deliver`` on the caller's loop, in
        batches at most every ``every`` seconds, each progress tick superseded by the
        next of the same run (a 10,000-product sync is 20 repaints a second, not 100)."""
        assert self._loop is not None
        target = asyncio.get_running_loop()

        async def pump() -> None:
            with subscription:
                while True:
                    first = await anext(subscription)
                    await asyncio.sleep(every)
                    batch = coalesce([first, *subscription.drain()])
                    target.call_soon_threadsafe(deliver, batch)

        self._pump = asyncio.run_coroutine_threadsafe(pump(), self._loop)  # type: ignore[assignment]

    async def stop(self, close: Callable[[], Awaitable[None]] | None = None) -> None:
        """Stop forwarding, run ``close`` (the engine's) on its loop, then end the thread."""
        if self._loop is None:
            return
        if self._pump is not None:
            self._pump.cancel()
        if close is not None:
            try:
                await self.call(_awaited(close))
            except Exception:  # the console must still exit; the log has the reason
                log.exception("closing the engine failed")
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            await asyncio.to_thread(thread.join, 10)
        if not loop.is_running():
            loop.close()


async def _awaited(close: Callable[[], Awaitable[None]]) -> None:
    await close()


def coalesce(events: list[EngineEvent]) -> list[EngineEvent]:
    """Drop progress ticks a later tick of the same run supersedes; keep the order."""
    last: dict[tuple[str, str, int], int] = {}
    for index, event in enumerate(events):
        if isinstance(event, JobProgress):
            last[(event.connection, event.job, event.run_id)] = index
    return [
        event
        for index, event in enumerate(events)
        if not isinstance(event, JobProgress)
        or last[(event.connection, event.job, event.run_id)] == index
    ]
