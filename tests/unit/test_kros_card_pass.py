"""The KROS adapter's shared card read (engine/backends/kros/card_pass.py), no I/O.

Readers that start together for different purposes get every page from one
fetch; a reader for a purpose already served, one after the window, or one
after the pass's readers have finished, reads afresh.
"""

from __future__ import annotations

import asyncio

import pytest

from engine.backends.kros.card_pass import JOIN_WINDOW, READ_AHEAD, CardPass, CardPasses

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
    assert sorted(remote.fetched) == [0, 0, 2, 2, 4, 4]  # each read asks for every page once


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
    assert remote.fetched == [0, 2, 4]  # the fetch under way goes on for the other reader


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


class Gated:
    """Pages of ``rows`` that answer only when the test lets them; counts fetches in flight."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows
        self.fetched: list[int] = []
        self.cancelled: list[int] = []
        self.flying = 0
        self.most_flying = 0
        self.changed = asyncio.Condition()
        self.gates: dict[int, asyncio.Event] = {}

    def open(self, skip: int) -> None:
        self.gates.setdefault(skip, asyncio.Event()).set()

    async def until(self, predicate) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(predicate), timeout=5)

    async def fetch(self, skip: int) -> list[dict]:
        self.fetched.append(skip)
        self.flying += 1
        self.most_flying = max(self.most_flying, self.flying)
        async with self.changed:
            self.changed.notify_all()
        try:
            await self.gates.setdefault(skip, asyncio.Event()).wait()
        except asyncio.CancelledError:
            self.cancelled.append(skip)
            raise
        finally:
            self.flying -= 1
        return [dict(r) for r in self.rows[skip : skip + PAGE]]


async def test_once_the_first_page_is_full_the_next_is_asked_for_while_one_is_awaited() -> None:
    """KROS's pacing, not one round trip after another, sets the pace (bench finding 9)."""
    remote = Gated(ROWS)
    card_pass = CardPass(remote.fetch, PAGE, Clock())
    reader = asyncio.create_task(_all(card_pass.read("stock")))
    await remote.until(lambda: remote.fetched == [0])
    remote.open(0)  # full: there is more
    await remote.until(lambda: remote.flying == READ_AHEAD)  # pages 1 and 2 at once
    assert READ_AHEAD == 2 and remote.fetched == [0, 2, 4]
    remote.open(4)  # the short page first, so the end is known when page 1 is taken
    remote.open(2)
    assert await reader == ROWS
    assert remote.most_flying == READ_AHEAD  # never more than that in flight
    assert remote.fetched == [0, 2, 4]  # nothing asked for past the end


async def test_a_list_of_one_short_page_costs_one_request() -> None:
    """A quiet run's changed cards fit one page: no page is read ahead of it."""
    remote = Gated(ROWS[:1])
    reader = asyncio.create_task(_all(CardPass(remote.fetch, PAGE, Clock()).read("products")))
    await remote.until(lambda: remote.fetched == [0])
    remote.open(0)
    assert await reader == ROWS[:1]
    assert remote.fetched == [0] and remote.most_flying == 1


async def test_a_page_asked_for_past_the_short_one_is_cancelled_and_never_read() -> None:
    """KROS sends no total: reading ahead costs at most one request past the end."""
    remote = Gated(ROWS)
    reader = asyncio.create_task(_all(CardPass(remote.fetch, PAGE, Clock()).read("stock")))
    remote.open(0)
    remote.open(2)
    await remote.until(lambda: 6 in remote.fetched)  # waiting for the short page, one past it
    remote.open(4)  # the short page: the end
    assert await reader == ROWS
    assert remote.fetched == [0, 2, 4, 6] and remote.cancelled == [6]
    assert remote.flying == 0


async def test_a_reader_that_stops_early_leaves_no_fetch_behind() -> None:
    remote = Gated(ROWS)
    pages = CardPass(remote.fetch, PAGE, Clock()).read("products")
    remote.open(0)
    remote.open(2)
    assert [r["itemCode"] for page in [await anext(pages), await anext(pages)] for r in page] == [
        "K0", "K1", "K2", "K3"
    ]  # fmt: skip
    await remote.until(lambda: remote.flying == 1)  # page 2, read ahead, waits for KROS
    await pages.aclose()  # e.g. the run failed on page 1
    await remote.until(lambda: remote.flying == 0)
    assert remote.cancelled == [4]
