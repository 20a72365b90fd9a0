"""Paces request starts to a host's learned rate, and remembers it per host.

The :class:`~engine.transport.rate_learner.RateLearner` says how many
requests a second the host admits; the pacer spaces request *starts* by
``1 / rate`` (reservations in arrival order, so concurrent callers queue
fairly) and, after a 429 with ``Retry-After``, starts nobody before it ends
— and then one at a time, not all at once.

Where the host says its budget (``X-RateLimit-Remaining`` and
``X-RateLimit-Reset``, or the draft standard's ``RateLimit-Remaining`` /
``RateLimit-Reset``), what is left is spread over the time until the
reset.  Which form ``Reset`` takes is not standard: a number above 10⁹ is
read as a Unix time, anything smaller as seconds from now (inferred from
GitHub-, Laravel- and IETF-style APIs; WooCommerce itself sends none).

A :class:`RateMemory` (the state database) keeps the learned rate per host:
the next run starts at it instead of learning again from 429s.  Store calls
run as their own tasks in a fresh context: a request made inside a store
transaction must not wait for that transaction to end.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Protocol

from engine.transport.rate_learner import RateLearner, Ticket

__all__ = ["RateMemory", "RatePacer", "announced_budget"]

log = logging.getLogger(__name__)

_RECALL_WAIT_S = 1.0  # the first request waits this long at most for the remembered rate
_EPOCH_FROM = 1e9


class RateMemory(Protocol):
    """Where a host's learned rate outlives the process.

    ``rate``: the fastest pace seen clean; ``ceiling``: the slowest seen
    refused (None if none), so a run too short to settle on a rate leaves
    the next one where it stopped.
    """

    async def load(self, host: str) -> tuple[float, float | None] | None: ...

    async def save(self, host: str, rate: float, ceiling: float | None) -> None: ...


def announced_budget(headers: Mapping[str, str], now_wall: float) -> tuple[float, float] | None:
    """(requests remaining, seconds until the window resets) from rate-limit headers."""
    for prefix in ("x-ratelimit-", "ratelimit-"):
        remaining = _number(headers.get(prefix + "remaining"))
        reset = _number(headers.get(prefix + "reset"))
        if remaining is None or reset is None or remaining < 0:
            continue
        until = reset - now_wall if reset > _EPOCH_FROM else reset
        return (remaining, until) if until > 0 else None
    return None


def _number(value: str | None) -> float | None:
    try:
        return None if value is None else float(value.strip())
    except ValueError:
        return None


class RatePacer:
    """Spaces request starts for one host; learns from its answers."""

    def __init__(
        self,
        learner: RateLearner | None = None,
        *,
        host: str = "",
        memory: RateMemory | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.learner = learner or RateLearner()
        self.host = host
        self._memory = memory
        self._wall = wall_clock
        self._next = 0.0  # loop time of the next free start
        self._paused_until = 0.0
        self._budget_until = 0.0  # loop time the host's announced window resets
        self._budget_gap = 0.0
        self._next_budget = 0.0
        self._recall: asyncio.Task[tuple[float, float | None] | None] | None = None
        self._recall_deadline = 0.0
        self._saved: tuple[float, float | None] | None = None
        self._saving: set[asyncio.Task[Any]] = set()

    @property
    def rate(self) -> float | None:
        return self.learner.rate

    async def turn(self) -> Ticket:
        """Wait until this request may start; the ticket reports its outcome."""
        await self._recalled()
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            start = self._reserve(now)
            ticket = self.learner.ticket(start)
            if start > now:
                await asyncio.sleep(start - now)
            if self._paused_until <= start:
                return ticket
            # a Retry-After came while we waited: queue again behind it

    def _reserve(self, now: float) -> float:
        start = max(now, self._paused_until)
        rate = self.learner.rate
        if rate is not None:
            start = max(start, self._next)
            self._next = start + 1 / rate
        if start < self._budget_until:
            start = max(start, self._next_budget)
            self._next_budget = start + self._budget_gap
        return start

    def admitted(self, ticket: Ticket, headers: Mapping[str, str]) -> None:
        self._note_budget(headers)
        if self.learner.succeeded(ticket):
            self._remember()

    def refused(
        self, ticket: Ticket, retry_after: float | None, headers: Mapping[str, str]
    ) -> None:
        """A 429: back off, and start nobody before ``Retry-After`` ends."""
        self._note_budget(headers)
        if retry_after:
            now = asyncio.get_running_loop().time()
            self._paused_until = max(self._paused_until, now + retry_after)
        if self.learner.throttled(ticket, retry_after):
            log.info("%s: pacing at %.3g requests/s after a 429", self.host, self.learner.rate)
            self._remember()

    def _note_budget(self, headers: Mapping[str, str]) -> None:
        found = announced_budget(headers, self._wall())
        if found is None:
            return
        remaining, until = found
        now = asyncio.get_running_loop().time()
        if remaining < 1:  # spent: nobody starts before the window resets
            self._paused_until = max(self._paused_until, now + until)
            return
        self._budget_gap, self._budget_until = until / remaining, now + until

    async def _recalled(self) -> None:
        """Start from the remembered rate (bounded wait; a late answer still counts).

        Every request that comes while the store is asked waits for the same
        answer: the first ones must not go out unpaced.
        """
        if self._memory is None or (self._recall is not None and self._recall.done()):
            return
        loop = asyncio.get_running_loop()
        if self._recall is None:
            self._recall = _detached(self._memory.load(self.host))
            self._recall.add_done_callback(self._apply_recalled)
            self._recall_deadline = loop.time() + _RECALL_WAIT_S
        try:
            await asyncio.wait_for(
                asyncio.shield(self._recall), max(0.0, self._recall_deadline - loop.time())
            )
        except Exception:  # a store that cannot answer only costs the head start
            log.debug("%s: no remembered rate", self.host, exc_info=True)

    def _apply_recalled(self, task: asyncio.Task[tuple[float, float | None] | None]) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        found = task.result()
        if found and self.learner.rate is None:
            rate, ceiling = found
            self.learner = RateLearner(rate, ceiling=ceiling)
            self._saved = (rate, ceiling)
            log.info("%s: pacing at %.3g requests/s (learned before)", self.host, rate)

    def _remember(self) -> None:
        learned, ceiling = self.learner.learned, self.learner.ceiling
        if self._memory is None or learned is None or (learned, ceiling) == self._saved:
            return
        self._saved = (learned, ceiling)
        task = _detached(self._memory.save(self.host, learned, ceiling))
        self._saving.add(task)
        task.add_done_callback(self._saving.discard)

    async def aclose(self) -> None:
        """Let pending saves finish (the store closes after the clients)."""
        if self._saving:
            await asyncio.gather(*self._saving, return_exceptions=True)


def _detached(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """A task outside the caller's context (and so outside its store transaction)."""
    return asyncio.get_running_loop().create_task(coro, context=contextvars.Context())
