"""The KROS adapter's shared card read (engine/backends/kros/card_pass.py), no I/O.

Readers that start together for different purposes get every page from one
fetch; a reader for a purpose already served, one after the window, or one
after the pass's readers have finished, reads afresh.
"""

from __future__ import annotations

import asyncio

import pytest

from engine.backends.kros.card_pass import JOIN_WINDOW, CardPass, CardPasses

PAGE = 2
ROWS = [{"itemCode": f"K{i}"} for i in range(5)]  # pages of 2, 2 and 1


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Remote:
    """The pages of ``ROWS``; counts the fetches, and can hold one until released."""

    def __init__(self) -> None:
        self.fetched: list[int] = []
        self.hold: asyncio.Event | None = None
        self.asked = asyncio.Event()

    async def fetch(self, skip: int) -> list[dict]:
        self.fetched.append(skip)
        self.asked.set()
        if self.hold is not None:
            await self.hold.wait()
        return [dict(r) for r in ROWS[skip : skip + PAGE]]


async def _all(pages) -> list[dict]:
    return [row async for page in pages for row in page]


def _read(passes: CardPasses, remote: Remote, purpose: str, query: dict | None = None):
    return passes.read(query or {}, purpose, remote.fetch, PAGE)


async def test_two_purposes_started_together_fetch_each_page_once() -> None:
    passes, remote = CardPasses(Clock()), Remote()
    stock, products = _read(passes, remote, "stock"), _read(passes, remote, "products")
    got = await asyncio.gather(_all(stock), _all(products))
    assert got[0] == got[1] == ROWS
    assert remote.fetched == [0, 2, 4]


async def test_a_reader_waiting_on_a_page_gets_it_from_the_others_fetch() -> None:
    passes, remote = CardPasses(Clock()), Remote()
    remote.hold = asyncio.Event()
    stock = asyncio.create_task(_all(_read(passes, remote, "stock")))
    await remote.asked.wait()  # the stock read is waiting for its first page
    products = asyncio.create_task(_all(_read(passes, remote, "products")))
    remote.hold.set()
    assert await stock == await products == ROWS
    assert remote.fetched == [0, 2, 4]


@pytest.mark.parametrize("second", ["stock", "later"])
async def test_a_served_purpose_or_a_late_reader_reads_afresh(second: str) -> None:
    clock, remote = Clock(), Remote()
    passes = CardPasses(clock)
    first = _read(passes, remote, "stock")
    await anext(first)  # the first read is under way
    if second == "later":
        clock.now += JOIN_WINDOW
    again = _read(passes, remote, "stock" if second == "stock" else "products")
    assert await _all(again) == ROWS
    assert await _all(first) == ROWS[PAGE:]
    assert remote.fetched == [0, 0, 2, 4, 2, 4]


async def test_once_its_readers_have_finished_a_pass_is_not_joined() -> None:
    passes, remote = CardPasses(Clock()), Remote()
    assert await _all(_read(passes, remote, "stock")) == ROWS
    assert await _all(_read(passes, remote, "products")) == ROWS  # a later run: fresh
    assert remote.fetched == [0, 2, 4, 0, 2, 4]


async def test_other_queries_are_other_reads() -> None:
    passes, remote = CardPasses(Clock()), Remote()
    marked = _read(passes, remote, "products", {"OnlyMarkedForEshop": "true"})
    pages = await asyncio.gather(_all(_read(passes, remote, "stock")), _all(marked))
    assert pages == [ROWS, ROWS] and len(remote.fetched) == 6


async def test_a_cancelled_reader_leaves_its_page_to_the_other() -> None:
    passes, remote = CardPasses(Clock()), Remote()
    remote.hold = asyncio.Event()
    stock = asyncio.create_task(_all(_read(passes, remote, "stock")))
    products = asyncio.create_task(_all(_read(passes, remote, "products")))
    await remote.asked.wait()
    stock.cancel()  # e.g. the run no longer needs its stock snapshot
    remote.hold.set()
    assert await products == ROWS
    assert remote.fetched == [0, 0, 2, 4]  # the cancelled fetch is asked again, once


async def test_after_the_window_pages_every_reader_has_passed_are_dropped() -> None:
    clock, remote = Clock(), Remote()
    card_pass = CardPass(remote.fetch, PAGE, clock)
    ahead, behind = card_pass.read("stock"), card_pass.read("products")
    for _ in range(3):
        await anext(ahead)
    await anext(behind)
    assert card_pass.held == [0, 1, 2]  # someone may still join and need them all
    clock.now += JOIN_WINDOW
    assert [r["itemCode"] for r in await anext(behind)] == ["K2", "K3"]
    assert card_pass.held == [2]  # what both have had is gone
    assert await _all(behind) == ROWS[2 * PAGE :] and card_pass.held == []
    assert remote.fetched == [0, 2, 4]
