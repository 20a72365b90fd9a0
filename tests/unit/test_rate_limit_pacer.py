"""RatePacer: request starts spaced by the learned rate, budgets, and the memory per host."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from engine.store import StateStore
from engine.transport import RateLearner, RatePacer
from engine.transport.pacer import announced_budget


class DictMemory:
    """A RateMemory in a dict; ``saved`` counts writes."""

    def __init__(self, rates: dict[str, tuple[float, float | None]] | None = None) -> None:
        self.rates = dict(rates or {})
        self.saved = 0

    async def load(self, host: str) -> tuple[float, float | None] | None:
        return self.rates.get(host)

    async def save(self, host: str, rate: float, ceiling: float | None) -> None:
        self.saved += 1
        self.rates[host] = (rate, ceiling)


async def starts(pacer: RatePacer, n: int) -> list[float]:
    loop = asyncio.get_running_loop()
    times = []
    for _ in range(n):
        await pacer.turn()
        times.append(loop.time())
    return times


async def test_without_a_rate_nothing_waits() -> None:
    times = await starts(RatePacer(), 20)
    assert times[-1] - times[0] < 0.05


async def test_starts_are_spaced_by_the_rate_even_when_requested_together() -> None:
    pacer = RatePacer(RateLearner(50.0))
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(pacer.turn() for _ in range(6)))  # five gaps of 20 ms at least
    first = loop.time()
    await pacer.turn()
    assert loop.time() - first >= 0.019


async def test_a_retry_after_holds_every_start_back() -> None:
    pacer = RatePacer(RateLearner(1000.0))
    loop = asyncio.get_running_loop()
    ticket = await pacer.turn()
    refused_at = loop.time()
    pacer.refused(ticket, 0.2, {})
    await pacer.turn()
    assert loop.time() - refused_at >= 0.19
    assert (pacer.rate or 0) < 1000.0


def test_announced_budget_reads_seconds_and_unix_times() -> None:
    now = 1_800_000_000.0
    assert announced_budget({"x-ratelimit-remaining": "10", "x-ratelimit-reset": "5"}, now) == (
        10.0,
        5.0,
    )
    epoch = {"X-RateLimit-Remaining": "4", "X-RateLimit-Reset": str(int(now) + 8)}
    assert announced_budget({k.lower(): v for k, v in epoch.items()}, now) == (4.0, 8.0)
    assert announced_budget({"ratelimit-remaining": "0", "ratelimit-reset": "3"}, now) == (0.0, 3.0)
    assert announced_budget({"x-ratelimit-limit": "80"}, now) is None
    assert announced_budget({"x-ratelimit-remaining": "x", "x-ratelimit-reset": "3"}, now) is None


async def test_an_announced_budget_is_spread_over_the_window() -> None:
    pacer = RatePacer()
    loop = asyncio.get_running_loop()
    ticket = await pacer.turn()
    pacer.admitted(ticket, {"x-ratelimit-remaining": "4", "x-ratelimit-reset": "0.4"})
    times = await starts(pacer, 3)
    assert times[-1] - times[0] >= 0.19  # 0.1 s apart: 4 left for 0.4 s
    ticket = await pacer.turn()
    spent_at = loop.time()
    pacer.admitted(ticket, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "0.2"})
    await pacer.turn()
    assert loop.time() - spent_at >= 0.19  # nothing left: wait for the reset


async def test_the_remembered_rate_is_where_it_starts() -> None:
    memory = DictMemory({"shop.example:443": (40.0, None)})
    pacer = RatePacer(host="shop.example:443", memory=memory)
    await pacer.turn()
    assert pacer.rate == 40.0
    other = RatePacer(host="other.example", memory=memory)
    await other.turn()
    assert other.rate is None


async def test_the_rate_is_saved_as_it_is_learned_and_awaited_on_close() -> None:
    memory = DictMemory()
    pacer = RatePacer(RateLearner(10.0, backoff=0.5), host="h", memory=memory)
    first = await pacer.turn()
    pacer.refused(first, None, {})  # the clean rate refused: 5/s, bisecting up from there
    await pacer.aclose()
    rate, ceiling = memory.rates["h"]
    assert rate == pytest.approx(5.0) and ceiling is not None  # an unfinished bisection
    pacer.admitted(await pacer.turn(), {})
    second = await pacer.turn()
    pacer.refused(second, None, {})  # refused again at once: settles on 5/s
    await pacer.aclose()
    rate, ceiling = memory.rates["h"]
    assert rate == pytest.approx(5.0) and ceiling is not None and ceiling < 5.0 * 1.04
    assert memory.saved == 2
    assert pacer.rate == pytest.approx(5.0)


async def test_an_unfinished_bisection_resumes_in_the_next_run() -> None:
    memory = DictMemory({"h": (5.0, 10.0)})
    pacer = RatePacer(host="h", memory=memory)
    await pacer.turn()
    assert pacer.rate == pytest.approx(5.0)  # from the clean end, up once proven
    assert not pacer.learner.settled and pacer.learner.ceiling == pytest.approx(10.0)


async def test_a_store_that_does_not_answer_only_costs_the_head_start() -> None:
    class Silent(DictMemory):
        async def load(self, host: str) -> float | None:
            await asyncio.Event().wait()
            return None

    pacer = RatePacer(host="h", memory=Silent())
    loop = asyncio.get_running_loop()
    began = loop.time()
    await starts(pacer, 3)
    assert loop.time() - began < 1.5 and pacer.rate is None


async def test_learned_rates_are_kept_per_host_in_the_state_database(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "state.db") as store:
        assert await store.rates.load("shop.example:443") is None
        await store.rates.save("shop.example:443", 2.0123456, None)
        await store.rates.save("unfinished.example", 1.5, 3.25)
        await store.settings.set("transport.rate:broken", {"requests_per_second": "fast"})
        assert await store.rates.load("broken") is None
    async with StateStore.open(tmp_path / "state.db") as store:
        assert await store.rates.load("shop.example:443") == (pytest.approx(2.0123), None)
        assert await store.rates.load("unfinished.example") == (1.5, 3.25)
        assert await store.rates.load("other.example") is None
