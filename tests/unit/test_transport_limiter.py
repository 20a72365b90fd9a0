"""AIMD concurrency limiter."""

from __future__ import annotations

import asyncio

import pytest

from engine.transport import AdaptiveLimiter, Outcome


async def run(limiter: AdaptiveLimiter, outcome: Outcome) -> None:
    async with limiter.slot() as slot:
        slot.outcome = outcome


def test_bounds_are_validated() -> None:
    with pytest.raises(ValueError):
        AdaptiveLimiter(initial=0, minimum=1, maximum=4)
    with pytest.raises(ValueError):
        AdaptiveLimiter(initial=5, minimum=1, maximum=4)


async def test_concurrency_never_exceeds_the_limit() -> None:
    limiter = AdaptiveLimiter(initial=3, minimum=1, maximum=3)
    peak = 0

    async def work() -> None:
        nonlocal peak
        async with limiter.slot() as slot:
            peak = max(peak, limiter.in_flight)
            await asyncio.sleep(0.005)
            slot.outcome = Outcome.SUCCESS

    await asyncio.gather(*(work() for _ in range(20)))
    assert peak == 3
    assert limiter.in_flight == 0


async def test_additive_increase_after_a_window_of_successes() -> None:
    limiter = AdaptiveLimiter(initial=2, minimum=1, maximum=4)
    await run(limiter, Outcome.SUCCESS)
    assert limiter.limit == 2
    await run(limiter, Outcome.SUCCESS)
    assert limiter.limit == 3  # window = current limit
    for _ in range(3):
        await run(limiter, Outcome.SUCCESS)
    assert limiter.limit == 4
    for _ in range(10):
        await run(limiter, Outcome.SUCCESS)
    assert limiter.limit == 4  # capped at maximum


async def test_multiplicative_decrease_down_to_minimum() -> None:
    limiter = AdaptiveLimiter(initial=16, minimum=2, maximum=16)
    for expected in (8, 4, 2, 2):
        await run(limiter, Outcome.THROTTLED)
        assert limiter.limit == expected


async def test_neutral_outcomes_change_nothing() -> None:
    limiter = AdaptiveLimiter(initial=4, minimum=1, maximum=8, window=1)
    for _ in range(5):
        await run(limiter, Outcome.NEUTRAL)
    assert limiter.limit == 4


async def test_a_burst_of_throttles_from_one_generation_halves_once() -> None:
    limiter = AdaptiveLimiter(initial=8, minimum=1, maximum=16)
    slots = [await limiter.acquire() for _ in range(8)]
    for slot in slots:
        slot.outcome = Outcome.THROTTLED
        limiter.release(slot)
    assert limiter.limit == 4
    await run(limiter, Outcome.THROTTLED)  # a new signal after the cut counts again
    assert limiter.limit == 2


async def test_waiters_resume_when_a_slot_frees() -> None:
    limiter = AdaptiveLimiter(initial=1, minimum=1, maximum=1)
    first = await limiter.acquire()
    waiter = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    limiter.release(first)
    second = await asyncio.wait_for(waiter, 1)
    limiter.release(second)
    assert limiter.in_flight == 0


async def test_cancelled_waiters_do_not_leak_slots() -> None:
    limiter = AdaptiveLimiter(initial=1, minimum=1, maximum=1)
    held = await limiter.acquire()
    waiters = [asyncio.create_task(limiter.acquire()) for _ in range(3)]
    await asyncio.sleep(0)
    waiters[0].cancel()
    limiter.release(held)  # hands the slot to waiter 0, which is being cancelled
    waiters[1].cancel()
    await asyncio.gather(*waiters[:2], return_exceptions=True)
    third = await asyncio.wait_for(waiters[2], 1)
    assert limiter.in_flight == 1
    limiter.release(third)
    assert limiter.in_flight == 0


async def test_cancelled_request_task_releases_its_slot() -> None:
    limiter = AdaptiveLimiter(initial=2, minimum=1, maximum=2)

    async def stuck() -> None:
        async with limiter.slot():
            await asyncio.sleep(10)

    task = asyncio.create_task(stuck())
    await asyncio.sleep(0.01)
    assert limiter.in_flight == 1
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert limiter.in_flight == 0


async def test_after_a_throttle_the_limiter_probes_half_as_often() -> None:
    limiter = AdaptiveLimiter(initial=2, minimum=1, maximum=8)
    await run(limiter, Outcome.THROTTLED)
    assert limiter.limit == 1
    await run(limiter, Outcome.SUCCESS)
    assert limiter.limit == 1  # before: one success was enough to probe again
    await run(limiter, Outcome.SUCCESS)
    assert limiter.limit == 2
    for _ in range(2):  # caution decays: the next window is back to the limit
        await run(limiter, Outcome.SUCCESS)
    assert limiter.limit == 3


async def test_a_pause_holds_back_every_new_request() -> None:
    limiter = AdaptiveLimiter(initial=4, minimum=1, maximum=4)
    loop = asyncio.get_running_loop()
    limiter.pause(0.2)
    started = loop.time()
    await asyncio.gather(*(run(limiter, Outcome.SUCCESS) for _ in range(3)))
    assert loop.time() - started >= 0.19
