"""KROS card pages read ahead over loopback: two in flight, KROS's limits kept.

One page at a time, a round trip of 0.1 s read 7 pages a second where KROS
allows 10 (bench finding 9).  The strict sandbox answers 429 over 10 a
second or 300 a minute, counted as requests arrive; a wrapper around its app
counts the card requests it is handling at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import pytest

from engine.events import EventBus
from engine.store import MappingKind, StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient
from sandbox import kros
from sandbox.server import start_server
from sandbox.woocommerce import WooSandbox, create_app

from .kros_harness import TAX_CLASSES, KrosServers, kros_backend
from .orders_harness import FAST_RETRY, WOO_KEY, WOO_SECRET

pytestmark = pytest.mark.timeout(60)

CARDS, PAGE = 250, 10  # 25 full pages and an empty one: over 2 s at 10 requests a second
HOLD_S = 2.0  # how long the second card request waits for the next one to arrive

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Scope]]
Send = Callable[[Scope], Awaitable[None]]


class CardsInFlight:
    """ASGI wrapper: the most card requests handled at once.

    The second one (page 1: the first page came back full) is held until
    another one arrives (or :data:`HOLD_S`), so that a client that asks for
    the next page while waiting is seen doing so however fast the sandbox
    answers.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self.now = 0
        self.most = 0
        self.seen = 0
        self._next: asyncio.Event | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/catalog-items"):
            await self.app(scope, receive, send)
            return
        self.now += 1
        self.seen += 1
        self.most = max(self.most, self.now)
        try:
            await self._hold_second()
            await self.app(scope, receive, send)
        finally:
            self.now -= 1

    async def _hold_second(self) -> None:
        if self.seen == 2:
            self._next = asyncio.Event()
            with contextlib.suppress(TimeoutError):  # one at a time: what the test then sees
                await asyncio.wait_for(self._next.wait(), timeout=HOLD_S)
        elif self._next is not None:
            self._next.set()


async def test_card_pages_are_read_two_at_a_time_within_kros_limits(tmp_path: Path) -> None:
    kb = kros.KrosSandbox()
    kb.seed(products=CARDS)
    counted = CardsInFlight(kros.create_app(kb))
    shop = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    kros_server, woo_server = start_server(counted), start_server(create_app(shop))
    servers = KrosServers(kb, shop, kros_server, woo_server)
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    ctx = SyncContext(
        connection="default", store=store, bus=EventBus(),
        backend=kros_backend(servers, page_size=PAGE, timeout=5.0),
        woo=WooClient(woo_server.url, WOO_KEY, WOO_SECRET, retry=FAST_RETRY),
        prefs=CatalogPreferences(new_products_status="publish"), stock_location_id="HS",
    )  # fmt: skip
    try:
        report = await CatalogSync(ctx).run()
    finally:
        await ctx.woo.aclose()
        await ctx.backend.aclose()
        await store.close()
        kros_server.stop()
        woo_server.stop()
    assert counted.most >= 2  # the next page was asked for while one was on its way
    assert kb.stats.statuses.get(429, 0) == 0  # KROS's 10 a second, counted on arrival
    minimum = CARDS // PAGE + 1
    assert minimum <= counted.seen == len(kb.stats.catalog_queries) <= minimum + 1
    marked = sum(1 for i in kb.items if i["markedForEshop"])
    assert report.totals.failed == 0 and report.totals.written == marked
