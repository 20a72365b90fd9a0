"""Adaptive concurrency limit (AIMD) for one remote system.

Remote shops live on anything from a shared host to a cluster; a fixed
concurrency is either too timid or knocks the small ones over.  Like TCP, we
add one slot after a window of successes and halve on a sign of overload
(429, 503, timeout).  A burst of throttled answers from requests that were
all in flight together counts as *one* signal — otherwise eight parallel
429s would collapse the limit to the minimum at once.

A host that throttles by *rate* (a WAF's token bucket) answers every probe
above its rate with 429, so after each throttle the limiter probes half as
often (up to 32× the window), and a ``Retry-After`` pauses every request of
the client, not just the one that was told: the others would only collect
429s of their own.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["AdaptiveLimiter", "Outcome", "Slot"]


class Outcome(StrEnum):
    """How a request went, as far as the limiter cares."""

    SUCCESS = "success"
    THROTTLED = "throttled"
    NEUTRAL = "neutral"  # a 4xx or a broken connection: says nothing about load


@dataclass
class Slot:
    """A held permit; remembers the limit generation it was granted under."""

    generation: int
    outcome: Outcome = Outcome.NEUTRAL


class AdaptiveLimiter:
    """Bounds in-flight requests; the bound moves with the server's answers."""

    def __init__(
        self, initial: int = 4, minimum: int = 1, maximum: int = 16, window: int | None = None
    ) -> None:
        if not 1 <= minimum <= initial <= maximum:
            raise ValueError("need 1 <= minimum <= initial <= maximum")
        self.minimum = minimum
        self.maximum = maximum
        self._limit = initial
        self._window = window
        self._in_flight = 0
        self._successes = 0
        self._generation = 0
        self._caution = 0  # doublings of the success window after recent throttles
        self._paused_until = 0.0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def pause(self, seconds: float) -> None:
        """Hold every new request back for ``seconds`` (the server's Retry-After)."""
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + max(0.0, seconds))

    async def _wait_out_pause(self) -> None:
        loop = asyncio.get_running_loop()
        # a loop, not an Event: another Retry-After may extend the pause meanwhile
        while (delay := self._paused_until - loop.time()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)

    async def acquire(self) -> Slot:
        """Wait for a free slot (first come, first served), after any pause."""
        if self._paused_until:
            await self._wait_out_pause()
        if self._in_flight < self._limit and not self._waiters:
            self._in_flight += 1
            return Slot(self._generation)
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._in_flight -= 1  # a slot was handed to us just as we were cancelled
                self._wake()
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise
        return Slot(self._generation)

    def release(self, slot: Slot) -> None:
        """Give the slot back and let its outcome move the limit.

        Synchronous on purpose: it runs in ``finally`` blocks of cancelled
        tasks, where an ``await`` could be interrupted and leak the slot.
        """
        self._in_flight -= 1
        self._record(slot)
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self._in_flight < self._limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._in_flight += 1  # handed over directly: no barging
                waiter.set_result(None)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Slot]:
        """``async with limiter.slot() as s: ...; s.outcome = Outcome.SUCCESS``."""
        held = await self.acquire()
        try:
            yield held
        finally:
            self.release(held)

    def _record(self, slot: Slot) -> None:
        if slot.outcome is Outcome.THROTTLED:
            self._on_throttle(slot.generation)
        elif slot.outcome is Outcome.SUCCESS:
            self._on_success()

    def _on_throttle(self, generation: int) -> None:
        if generation != self._generation:
            return  # this overload was already answered by an earlier halving
        self._limit = max(self.minimum, self._limit // 2)
        self._successes = 0
        self._caution = min(self._caution + 1, 5)
        self._generation += 1

    def _on_success(self) -> None:
        self._successes += 1
        if self._successes >= (self._window or self._limit) * 2**self._caution:
            self._successes = 0
            self._caution = max(0, self._caution - 1)
            if self._limit < self.maximum:
                self._limit += 1
                self._generation += 1

    def __repr__(self) -> str:
        return f"AdaptiveLimiter(limit={self._limit}, in_flight={self._in_flight})"
