"""How many times the catalog and stock jobs read KROS's stock cards, over loopback.

A first catalog run needs the cards twice, for the stock snapshot and for the
products; the adapter reads each page once for both (KROS allows 300
requests a minute).  The runs after it read afresh: a change made in between
is seen, even when they start within the seconds a first run's read may be
shared.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from engine.events import EventBus
from engine.store import MappingKind, StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.stock import StockSync
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient

from .kros_harness import TAX_CLASSES, KrosServers, kros_backend, kros_sandboxes
from .orders_harness import FAST_RETRY, WOO_KEY, WOO_SECRET

pytestmark = pytest.mark.timeout(60)

CARDS, PAGE = 12, 5


@pytest.fixture
def servers():
    with kros_sandboxes(products=CARDS) as running:
        yield running


async def _context(
    servers: KrosServers, tmp_path: Path, page_size: int = PAGE, **settings: object
) -> SyncContext:
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    return SyncContext(
        connection="default", store=store, bus=EventBus(),
        backend=kros_backend(servers, page_size=page_size, **settings),
        woo=WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET, retry=FAST_RETRY),
        prefs=CatalogPreferences(new_products_status="publish"), stock_location_id="HS",
    )  # fmt: skip


async def _close(ctx: SyncContext) -> None:
    await ctx.woo.aclose()
    await ctx.backend.aclose()
    await ctx.store.close()


def _shop(servers: KrosServers) -> dict[str, dict]:
    with servers.woo.lock:
        return {p["sku"]: dict(p) for p in servers.woo.products.values()}


def _reads_started(servers: KrosServers) -> int:
    """Reads of the cards from their first page (a page read ahead past the end is no read)."""
    return sum(1 for q in servers.kb.stats.catalog_queries if q.get("skip") == "0")


def _hs(item: dict) -> int:
    return int(next(s["quantity"] for s in item["stock"] if s["warehouseCode"] == "HS"))


async def test_a_first_catalog_run_reads_every_card_page_once(servers, tmp_path: Path) -> None:
    ctx = await _context(servers, tmp_path)
    try:
        report = await CatalogSync(ctx).run()
        queries = servers.kb.stats.catalog_queries
        assert _reads_started(servers) == 1  # not twice: snapshot and products share
        # each page once, and perhaps one asked for past the short page while it was on its way
        assert math.ceil(CARDS / PAGE) == 3 <= len(queries) <= 4
        assert len({q["skip"] for q in queries}) == len(queries)
        marked = [i for i in servers.kb.items if i["markedForEshop"]]
        assert report.totals.failed == 0 and report.totals.written == len(marked)
        shop = _shop(servers)
        assert {i["itemCode"]: _hs(i) for i in marked} == {
            i["itemCode"]: shop[i["itemCode"]]["stock_quantity"] for i in marked
        }  # every product went in with its stock from the shared read
    finally:
        await _close(ctx)


async def test_the_runs_after_it_read_afresh_and_see_what_changed(servers, tmp_path: Path) -> None:
    kb = servers.kb
    ctx = await _context(servers, tmp_path, catalog_reads="all")  # same query every run
    try:
        await CatalogSync(ctx).run()
        assert _reads_started(servers) == 1
        item = next(i for i in kb.items if i["markedForEshop"])
        stock = [{"warehouseCode": "HS", "quantity": 321.0}]
        kb.touch_item(item["itemCode"], name="Hrnček premenovaný", stock=stock)
        await StockSync(ctx).run()
        assert _reads_started(servers) == 2  # its own read, not the first run's
        assert _shop(servers)[item["itemCode"]]["stock_quantity"] == 321
        again = await CatalogSync(ctx).run()
        assert _reads_started(servers) == 3
        assert again.totals.written == 1
        assert _shop(servers)[item["itemCode"]]["name"] == "Hrnček premenovaný"
    finally:
        await _close(ctx)


class _ShopSizeAtEachRead(list):
    """The sandbox's list of card queries, noting how many products the shop had at each."""

    def __init__(self, servers: KrosServers) -> None:
        super().__init__()
        self.servers = servers
        self.shop_products: list[int] = []

    def append(self, query: dict) -> None:
        with self.servers.woo.lock:
            self.shop_products.append(len(self.servers.woo.products))
        super().append(query)


async def test_a_first_sync_creates_products_while_the_cards_are_still_being_read(
    tmp_path: Path,
) -> None:
    with kros_sandboxes(products=40) as servers:  # 21 pages of 2: over 2 s at 10 requests/s
        reads = _ShopSizeAtEachRead(servers)
        servers.kb.stats.catalog_queries = reads
        ctx = await _context(servers, tmp_path, page_size=2)
        try:
            report = await CatalogSync(ctx).run()
        finally:
            await _close(ctx)
    assert 21 <= len(reads) <= 22 and report.totals.failed == 0  # one may be past the end
    # each card's level is used once read, not after the whole read (a second's pacing later)
    assert reads.shop_products[-1] > 0
