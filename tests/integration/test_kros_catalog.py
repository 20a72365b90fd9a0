"""KROS stock cards → WooCommerce through the engine's catalog job, over loopback.

Names, prices with VAT, VAT rate → tax class, codes, descriptions and the
stock of one warehouse or the sum; "all" or "only changed" by
``CatalogItemChangedTimestamp``; new products with the chosen status.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.events import EventBus
from engine.store import MappingKind, StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient

from .kros_harness import TAX_CLASSES, KrosServers, kros_backend, kros_sandboxes
from .orders_harness import FAST_RETRY, WOO_KEY, WOO_SECRET

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with kros_sandboxes(products=12) as running:
        yield running


class Catalog:
    def __init__(self, servers: KrosServers, ctx: SyncContext) -> None:
        self.servers, self.ctx = servers, ctx

    async def run(self, **options: Any):
        return await CatalogSync(self.ctx).run(**options)

    def woo(self) -> dict[str, dict]:
        sb = self.servers.woo
        with sb.lock:
            return {p["sku"]: dict(p) for p in sb.products.values()}


async def catalog(servers: KrosServers, tmp_path: Path, status: str = "draft", **settings: Any):
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    backend = kros_backend(servers, **settings)
    woo = WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET, retry=FAST_RETRY)
    ctx = SyncContext(
        connection="default", store=store, woo=woo, backend=backend, bus=EventBus(),
        prefs=CatalogPreferences(new_products_status=status),
        stock_location_id=backend.locations.get(next(iter(backend.locations), None)),
    )  # fmt: skip
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)

    async def close() -> None:
        await woo.aclose()
        await backend.aclose()
        await store.close()

    return Catalog(servers, ctx), close


async def test_stock_cards_become_products_with_prices_tax_codes_and_one_warehouse(
    servers, tmp_path: Path
) -> None:
    shop, close = await catalog(servers, tmp_path, status="draft")
    try:
        report = await shop.run()
        marked = [i for i in servers.kb.items if i["markedForEshop"]]
        assert report.totals.failed == 0 and report.totals.written == len(marked) < 12
        woo = shop.woo()
        for item in marked:
            product = woo[item["itemCode"]]
            assert product["name"] == item["name"]
            assert Decimal(product["regular_price"]) == Decimal(str(item["unitPriceInclVat"]))
            assert product["tax_class"] == TAX_CLASSES[str(int(item["vatRate"]))]
            assert product["description"] == item["description"]
            assert product["status"] == "draft"  # new products arrive with the chosen status
            hs = next(s["quantity"] for s in item["stock"] if s["warehouseCode"] == "HS")
            assert product["stock_quantity"] == int(hs)
    finally:
        await close()


async def test_without_a_warehouse_the_stock_is_the_sum_of_all(servers, tmp_path: Path) -> None:
    shop, close = await catalog(servers, tmp_path, warehouse=None)
    try:
        await shop.run()
        woo = shop.woo()
        for item in (i for i in servers.kb.items if i["markedForEshop"]):
            total = sum(s["quantity"] for s in item["stock"])
            assert woo[item["itemCode"]]["stock_quantity"] == int(total)
    finally:
        await close()


async def test_only_changed_cards_are_read_after_the_first_run(servers, tmp_path: Path) -> None:
    kb = servers.kb
    for item in kb.items:
        item["catalogItemChangedTimestamp"] = "2026-01-01T08:00:00"
    kb.items[0]["catalogItemChangedTimestamp"] = "2026-01-01T09:00:00"  # the newest
    shop, close = await catalog(servers, tmp_path)
    try:
        assert (await shop.run()).totals.read == 12
        assert not any("catalogitemchangedtimestamp" in q for q in kb.stats.catalog_queries)
        kb.touch_item(kb.items[3]["itemCode"], name="Hrnček premenovaný")
        second = await shop.run()
        # the touched card, and the newest one again: the cursor minus a 5-minute overlap
        assert second.totals.read == 2 and second.totals.written == 1
        since = kb.stats.catalog_queries[-1]["catalogitemchangedtimestamp"]
        assert since == "2026-01-01T08:55:00"
        assert shop.woo()[kb.items[3]["itemCode"]]["name"] == "Hrnček premenovaný"
    finally:
        await close()


async def test_all_reads_every_card_every_time(servers, tmp_path: Path) -> None:
    shop, close = await catalog(servers, tmp_path, catalog_reads="all")
    try:
        await shop.run()
        again = await shop.run()
        assert again.totals.read == 12 and again.totals.written == 0  # unchanged cost nothing
        queries = servers.kb.stats.catalog_queries
        assert not any("catalogitemchangedtimestamp" in q for q in queries)
    finally:
        await close()


async def test_only_cards_marked_for_the_eshop_when_asked(servers, tmp_path: Path) -> None:
    shop, close = await catalog(servers, tmp_path, only_marked_for_eshop=True)
    try:
        report = await shop.run()
        marked = [i["itemCode"] for i in servers.kb.items if i["markedForEshop"]]
        assert report.totals.read == len(marked) < 12
        assert servers.kb.stats.catalog_queries[-1]["onlymarkedforeshop"] == "true"
    finally:
        await close()
