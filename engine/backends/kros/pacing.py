"""Keep under KROS's limits before KROS has to say 429: 10 requests/s, 300/min.

[reference: SW3 MCP and two third parties agree on the numbers.]  A sliding
window of send times, per client (one client = one token = one company);
a request that would exceed either limit waits until the oldest one in
that window has aged out.  A 429 that still comes back (another program
using the same token) is retried by the transport's policy.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

import httpx

__all__ = ["PacedTransport", "RequestPace"]


class RequestPace:
    """How long the next request must wait; records it when it may go."""

    def __init__(
        self,
        per_second: int = 10,
        per_minute: int = 300,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = ((1.0, per_second), (60.0, per_minute))
        self._clock = clock
        self._sent: deque[float] = deque()  # answered requests, at their answers
        self._flying: list[float] = []  # requests without an answer yet, at their sending
        self.last_sent = 0.0  # when the request last let through was recorded

    def delay(self) -> float:
        """Seconds to wait before sending; 0 means send now (and it is recorded).

        A request still without its answer counts in every window, however
        long ago it left: KROS may count it at any moment until it answers
        (with several in flight, one older than a second would otherwise
        free a place KROS still counts taken).
        """
        now = self._clock()
        while self._sent and now - self._sent[0] >= 60.0:
            self._sent.popleft()
        wait = 0.0
        for span, limit in self.limits:
            recent = [t for t in self._sent if now - t < span]
            room = limit - len(self._flying)  # places the answered ones may take
            if room <= 0:
                wait = max(wait, span)  # only an answer frees a place (more than the client flies)
            elif len(recent) >= room:
                wait = max(wait, recent[-room] + span - now)
        if wait <= 0:
            self._flying.append(now)
            self.last_sent = now
        return wait

    def answered(self, sent_at: float) -> None:
        """The request recorded at ``sent_at`` has its answer: it counts from now on.

        KROS counts a request when it arrives, up to a trip's time after we
        recorded it; a request that travelled slower than a later one would be
        seen closer to it than we spaced them, and answered 429 (the benchmark
        met 11 in 213 requests on loopback).  Its answer comes no earlier than
        its arrival, so counting it from then keeps our spacing at least KROS's.
        """
        try:
            self._flying.remove(sent_at)
        except ValueError:
            return  # not recorded by this pace
        self._sent.append(self._clock())  # answers come in clock order: still sorted


class PacedTransport(httpx.AsyncBaseTransport):
    """Wraps the real transport; every request first takes its turn."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        pace: RequestPace | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._inner = inner
        self.pace = pace or RequestPace()
        self._sleep = sleep
        self._turn = asyncio.Lock()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with self._turn:
            while (wait := self.pace.delay()) > 0:
                await self._sleep(wait)
            sent_at = self.pace.last_sent
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self.pace.answered(sent_at)

    async def aclose(self) -> None:
        await self._inner.aclose()
