"""RatePacer with four senders at once, against a token-bucket host, on a virtual clock.

The WooCommerce client sends up to four requests at a time through one
pacer; the learner tests drive one sender.  Here the real pacer (its
``asyncio.sleep`` waits, its Retry-After pause) runs on an event loop whose
clock jumps to the next timer when nothing is ready: deterministic, no
sockets, no real waiting (a 160-second job takes a fraction of a second).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from engine.transport import RatePacer
from tests.unit.test_rate_limit_learner import FakeBucket

RATE = 2.066  # the bench's throttled host: 4 workers, 60 % of their full-batch rate
REQUESTS = 330
SENDERS = 4
REFUSAL_LATENCY = 0.005  # a firewall answers 429 at once


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose time jumps to the next timer when no callback is ready.

    Relies on the loop's ``_ready`` / ``_scheduled`` queues (CPython's
    BaseEventLoop, unchanged since 3.4): the only way to drive the pacer's
    real sleeps on a fake clock without patching the pacer.
    """

    def __init__(self) -> None:
        super().__init__()
        self._virtual = 0.0

    def time(self) -> float:
        return self._virtual

    def _run_once(self) -> None:
        if not self._ready and self._scheduled:  # type: ignore[attr-defined]
            self._virtual = max(self._virtual, self._scheduled[0].when())  # type: ignore[attr-defined]
        super()._run_once()  # type: ignore[misc]


@dataclass(frozen=True)
class Run:
    refused: int  # 429 answers the host sent
    uncounted: int  # of those sent after the first 429 came back, ones that moved nothing
    throughput: float  # the bucket's floor over the time taken
    learned: float


def run_job(latency: float, requests: int = REQUESTS) -> Run:
    """``requests`` sent by four senders through one pacer; a 429 is retried."""
    loop = VirtualClockLoop()
    try:
        return loop.run_until_complete(_job(latency, requests))
    finally:
        loop.close()


async def _job(latency: float, requests: int) -> Run:
    loop = asyncio.get_running_loop()
    pacer, bucket = RatePacer(), FakeBucket(RATE)
    left, refused, uncounted = [requests], [0], [0]
    first_answered: list[float] = []  # when the first 429 came back

    async def sender() -> None:
        while left[0] > 0:
            left[0] -= 1
            while True:
                ticket = await pacer.turn()
                sent_at = loop.time()
                retry_after = bucket.take(sent_at)
                if retry_after is None:
                    await asyncio.sleep(latency)  # the host works on the request
                    pacer.admitted(ticket, {})
                    break
                refused[0] += 1
                await asyncio.sleep(REFUSAL_LATENCY)
                before = (pacer.learner.rate, pacer.learner.learned, pacer.learner.ceiling)
                pacer.refused(ticket, retry_after, {})
                after = (pacer.learner.rate, pacer.learner.learned, pacer.learner.ceiling)
                late = bool(first_answered) and sent_at > first_answered[0]
                uncounted[0] += late and before == after
                first_answered[:] = first_answered or [loop.time()]

    await asyncio.gather(*(sender() for _ in range(SENDERS)))
    floor = (requests - 2) / RATE  # the burst of 2 is free
    learned = pacer.learner.learned or 0.0
    return Run(refused[0], uncounted[0], floor / loop.time(), learned)


@pytest.mark.parametrize("latency", [0.3, 1.0, 1.5])
def test_four_senders_find_the_rate_with_a_handful_of_429s(latency: float) -> None:
    run = run_job(latency)
    assert run.refused <= 6  # 1.8 % of 330, as for one sender
    assert run.throughput >= 0.9
    assert 0.85 * RATE <= run.learned <= RATE * 1.01


@pytest.mark.parametrize("latency", [0.3, 1.0, 1.5])
def test_a_refused_pace_costs_one_429_not_one_per_sender(latency: float) -> None:
    """Every 429 of a request sent after the first 429 came back moves the rate (only
    the first requests, sent together before any rate was known, share one): a request
    reserved at a refused pace waits out the pause and goes at the new pace instead of
    collecting a 429 of its own."""
    run = run_job(latency)
    assert run.refused >= 2 and run.uncounted == 0


@pytest.mark.xfail(
    strict=True,
    reason="issue 21 target for the first run, not met: the bisection from the first 429 "
    "costs 2-3 refused steps on top of the cold start's (docs: bench/README finding 7)",
)
def test_the_first_run_target_at_most_three_429s() -> None:
    run = run_job(1.0)
    assert run.refused <= 3 and run.throughput >= 0.9
