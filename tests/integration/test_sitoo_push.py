"""WooCommerce → Sitoo with directions set to both: a shop edit of a linked product
reaches Sitoo (title, price on the chosen price list), a SKU outside Sitoo's
pattern is refused with the reason, stock set in the shop goes straight to a
Virtual warehouse and is refused (with the warning) for a FIFO one unless forced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from engine.backends.sitoo.writes import sku_problem
from engine.events import EventBus
from engine.model import Product
from engine.store import StateStore
from engine.store.mappings import MappingKind
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.directions import Direction, Directions
from engine.sync.stock import StockSync
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient
from sandbox import sitoo
from sandbox.woocommerce import WooSandbox

from .sitoo_harness import sitoo_and_shop, sitoo_backend
from .test_sitoo_catalog import TAX_CLASSES, WOO_KEY, WOO_SECRET

pytestmark = pytest.mark.timeout(120)
BOTH = Directions(products=Direction.BOTH, stock=Direction.BOTH)


@pytest.fixture
def shop():
    with sitoo_and_shop(products=10) as running:
        yield running


@asynccontextmanager
async def context(shop, tmp_path: Path, warehouse: int, **settings) -> AsyncIterator[SyncContext]:
    sb, server, _woo, woo_server = shop
    store = await StateStore.open(tmp_path / "state.db")
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    woo = WooClient(woo_server.url, WOO_KEY, WOO_SECRET)
    try:
        async with sitoo_backend(sb, server, warehouse_id=str(warehouse), **settings) as backend:
            yield SyncContext(
                connection="default", store=store, woo=woo, backend=backend, bus=EventBus(),
                prefs=CatalogPreferences(new_products_status="publish"),
                stock_location_id=str(warehouse), directions=BOTH,
            )  # fmt: skip
    finally:
        await woo.aclose()
        await store.close()


def _woo_product(woo: WooSandbox, sku: str) -> dict:
    with woo.lock:
        return next(p for p in woo.products.values() if p.get("sku") == sku)


def _single(sb: sitoo.SitooSandbox) -> dict:
    return next(p for p in sb.products.values() if p.get("variantparentid") is None)


async def test_a_shop_edit_reaches_sitoo_and_the_next_pull_writes_nothing(shop, tmp_path) -> None:
    sb, _server, woo, _ = shop
    row = _single(sb)
    async with context(shop, tmp_path, sitoo.WAREHOUSE_WEB) as ctx:
        await CatalogSync(ctx).run()
        woo_id = _woo_product(woo, row["sku"])["id"]
        woo.edit_product(woo_id, {"name": "Renamed in the shop", "regular_price": "77.00"})
        pushed = await CatalogSync(ctx).run()
        again = await CatalogSync(ctx).run()
    assert pushed.totals.written >= 1
    assert sb.products[row["productid"]]["title"] == "Renamed in the shop"
    assert sb.pricelist_items[sitoo.PRICELIST_WEBSHOP][row["productid"]]["moneyprice"] == "77.00"
    assert again.totals.written == 0


async def test_shop_stock_goes_to_a_virtual_warehouse(shop, tmp_path) -> None:
    sb, _server, woo, _ = shop
    row = _single(sb)
    async with context(shop, tmp_path, sitoo.WAREHOUSE_WEB) as ctx:
        await CatalogSync(ctx).run()
        await StockSync(ctx).run()
        woo.edit_product(_woo_product(woo, row["sku"])["id"], {"stock_quantity": 42})
        await StockSync(ctx).run()
    assert sb.warehouse_items[sitoo.WAREHOUSE_WEB][row["sku"]]["total"] == Decimal(42)


async def test_a_fifo_warehouse_refuses_instant_stock_unless_forced(shop, tmp_path) -> None:
    sb, _server, woo, _ = shop
    row = _single(sb)
    store = sitoo.WAREHOUSE_STORE
    async with context(shop, tmp_path, store) as ctx:
        await CatalogSync(ctx).run()
        await StockSync(ctx).run()
        woo.edit_product(_woo_product(woo, row["sku"])["id"], {"stock_quantity": 9})
        refused = await StockSync(ctx).run()
        skipped = {e.key: e.reason for e in await ctx.store.skipped.entries("stock")}
    assert refused.totals.skipped >= 1 and "through orders" in skipped[row["sku"]]
    assert sb.warehouse_items[store][row["sku"]]["total"] != Decimal(9)
    async with context(shop, tmp_path, store, force_instant_stock=True) as ctx:
        woo.edit_product(_woo_product(woo, row["sku"])["id"], {"stock_quantity": 8})
        await StockSync(ctx).run()
    assert sb.warehouse_items[store][row["sku"]]["total"] == Decimal(8)


async def test_a_sku_outside_sitoos_pattern_is_refused_with_the_reason(shop) -> None:
    sb, server, _woo, _ = shop
    assert sku_problem("A B") and sku_problem("") and not sku_problem("SIT-1001/x+1")
    async with sitoo_backend(sb, server) as backend:
        results = await backend.write_products(
            [replace(Product("A B", "A B", "Spaces"), changed=frozenset({"name"}))]
        )
    assert not results[0].ok and "outside Sitoo's allowed pattern" in results[0].message
