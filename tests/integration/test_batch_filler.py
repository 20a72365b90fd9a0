"""BatchFiller over loopback: when a request is full, when a part-filled one may go.

A real WooCommerce sandbox behind a real WooClient; the pipeline's calls
(``page_started``, ``reading``) are made by hand so each rule is shown alone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from engine.errors import AuthError
from engine.sync.batch_filler import BatchFiller
from engine.woo import WooClient
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

from .sync_harness import WOO_KEY, WOO_SECRET

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def woo() -> Iterator[tuple[WooSandbox, RunningServer]]:
    sb = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    server = start_server(create_app(sb))
    try:
        yield sb, server
    finally:
        server.stop()


def _creates(prefix: str, n: int) -> list[dict]:
    return [
        {"name": f"{prefix} {i}", "sku": f"{prefix}-{i}", "regular_price": "1.00"} for i in range(n)
    ]


def _batches(sb: WooSandbox) -> int:
    return sb.stats.by_route.get(("POST", "products/batch"), 0)


async def _until(condition) -> None:
    """Poll a condition of the sandbox's state (it runs in its own thread), 10 s at most."""
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 - the sandbox thread sets no event
            await asyncio.sleep(0.01)


async def test_a_page_leftover_waits_for_the_next_page_to_fill_its_request(woo) -> None:
    sb, server = woo
    async with WooClient(server.url, WOO_KEY, WOO_SECRET) as client:
        filler = BatchFiller(client, max_wait_s=60)
        filler.page_started()
        filler.page_started()  # a second page in flight, still deciding
        first = asyncio.create_task(filler.submit(create=_creates("a", 130)))
        await _until(lambda: _batches(sb) == 1)  # 100 go at once
        await _until(lambda: len(sb.products) == 100)
        assert not first.done()  # its 30 wait: the other page may fill the request
        second = await filler.submit(create=_creates("b", 70))
        answers = await first
        assert _batches(sb) == 2  # 130 + 70 in two full requests
        assert [r.index for r in answers.created] == list(range(130))
        for mine, result in [(_creates("a", 130), answers), (_creates("b", 70), second)]:
            assert all(r.ok for r in result.created)
            assert [r.item["sku"] for r in result.created] == [c["sku"] for c in mine]
        await filler.aclose()


async def test_a_part_request_goes_at_once_when_every_page_waits_on_it(woo) -> None:
    sb, server = woo
    async with WooClient(server.url, WOO_KEY, WOO_SECRET) as client:
        filler = BatchFiller(client, max_wait_s=60)
        filler.page_started()
        filler.page_started()
        filler.reading(False)  # the source ended: nothing else can come
        one, two = await asyncio.wait_for(
            asyncio.gather(
                filler.submit(create=_creates("a", 10)), filler.submit(create=_creates("b", 20))
            ),
            timeout=10,  # far below max_wait: sent because the run is stuck on it
        )
        assert len(one.created) == 10 and len(two.created) == 20
        assert _batches(sb) == 1 and len(sb.products) == 30
        await filler.aclose()


async def test_a_slow_back_office_holds_a_write_back_at_most_max_wait(woo) -> None:
    sb, server = woo
    async with WooClient(server.url, WOO_KEY, WOO_SECRET) as client:
        filler = BatchFiller(client, max_wait_s=0.3)
        filler.page_started()
        filler.reading(True)  # the next page is still being read, and stays so
        started = time.monotonic()
        result = await asyncio.wait_for(filler.submit(create=_creates("a", 5)), timeout=10)
        assert time.monotonic() - started >= 0.25  # held for the next page first
        assert result.ok and _batches(sb) == 1
        await filler.aclose()


async def test_refused_credentials_reach_every_page_waiting(woo) -> None:
    _, server = woo
    async with WooClient(server.url, WOO_KEY, "cs_wrong") as client:
        filler = BatchFiller(client, max_wait_s=60)
        filler.page_started()
        filler.page_started()
        filler.reading(False)
        outcomes = await asyncio.gather(
            filler.submit(create=_creates("a", 3)),
            filler.submit(create=_creates("b", 4)),
            return_exceptions=True,
        )
        assert [type(o) for o in outcomes] == [AuthError, AuthError]
        await filler.aclose()
