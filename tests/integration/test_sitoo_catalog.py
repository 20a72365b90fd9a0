"""Sitoo sandbox → catalog and stock jobs → WooCommerce sandbox, over loopback.

Categories keep their hierarchy; products keep title, descriptions, the
chosen price list's price, VAT group → tax class, SKU and manufacturer; stock
comes from the chosen warehouse's ``decimalavailable``, incrementally.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from engine.events import EventBus
from engine.store import StateStore
from engine.store.mappings import MappingKind
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.stock import StockSync
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient
from sandbox import sitoo
from sandbox.woocommerce import WooSandbox

from .sitoo_harness import WOO_KEY, WOO_SECRET, sitoo_and_shop, sitoo_backend

pytestmark = pytest.mark.timeout(120)

TAX_CLASSES = {"1": "", "2": "reduced-rate", "3": "zero-rate"}


@pytest.fixture
def shop():
    with sitoo_and_shop(products=24) as running:
        yield running


@asynccontextmanager
async def context(shop, tmp_path: Path, **settings) -> AsyncIterator[SyncContext]:
    sb, server, _woo, woo_server = shop
    store = await StateStore.open(tmp_path / "state.db")
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    woo = WooClient(woo_server.url, WOO_KEY, WOO_SECRET)
    try:
        async with sitoo_backend(sb, server, **settings) as backend:
            yield SyncContext(
                connection="default",
                store=store,
                woo=woo,
                backend=backend,
                bus=EventBus(),
                prefs=CatalogPreferences(new_products_status="publish"),
                stock_location_id=str(sitoo.WAREHOUSE_WEB),
            )
    finally:
        await woo.aclose()
        await store.close()


def _by_sku(woo: WooSandbox) -> dict[str, dict]:
    with woo.lock:
        return {p["sku"]: dict(p) for p in woo.products.values() if p.get("sku")}


def _singles(sb: sitoo.SitooSandbox) -> list[dict]:
    return [p for p in sb.products.values() if p.get("variantparentid") is None]


async def test_first_run_publishes_singles_with_their_fields_and_the_tree(shop, tmp_path) -> None:
    sb, _server, woo, _ = shop
    async with context(shop, tmp_path) as ctx:
        report = await CatalogSync(ctx).run()
    assert report.totals.failed == 0
    products = _by_sku(woo)
    for row in _singles(sb):
        shop_row = products[row["sku"]]
        assert shop_row["name"] == row["title"]
        price = sb.pricelist_items[sitoo.PRICELIST_WEBSHOP][row["productid"]]["moneyprice"]
        assert shop_row["regular_price"] == price
        assert shop_row["tax_class"] == TAX_CLASSES[str(row["vatid"])]
        assert shop_row["short_description"] == row["descriptionshort"]
        level = sb.warehouse_items[sitoo.WAREHOUSE_WEB][row["sku"]]
        assert shop_row["stock_quantity"] == int(level["total"] - level["reserved"])
    with woo.lock:
        cats = {c["name"]: c for c in woo.categories.values()}
    assert cats["Shirts"]["parent"] == cats["Clothing"]["id"]
    assert cats["Kitchen"]["parent"] == cats["Home"]["id"]


async def test_a_second_run_writes_nothing_and_stock_follows_incrementally(shop, tmp_path) -> None:
    sb, _server, woo, _ = shop
    async with context(shop, tmp_path) as ctx:
        await CatalogSync(ctx).run()
        await StockSync(ctx).run()
        again = await CatalogSync(ctx).run()
        assert again.totals.written == 0
        sku = _singles(sb)[0]["sku"]
        with sb.lock:
            sb.now = lambda: 4_000_000_000  # a later transaction
            sitoo.stock.set_total(sb, sitoo.WAREHOUSE_WEB, sku, Decimal("33"))
        sb.requests.clear()
        stock = await StockSync(ctx).run()
    assert stock.totals.written == 1
    assert _by_sku(woo)[sku]["stock_quantity"] == 33


async def test_bad_rows_are_set_aside_with_their_reason_and_the_rest_is_written(
    shop, tmp_path
) -> None:
    sb, _server, woo, _ = shop
    singles = _singles(sb)
    with sb.lock:
        sb.pricelist_items[sitoo.PRICELIST_WEBSHOP][singles[0]["productid"]]["moneyprice"] = "12,50"
        singles[1]["vatid"] = 99
    async with context(shop, tmp_path) as ctx:
        report = await CatalogSync(ctx).run()
        skipped = {e.key: e.reason for e in await ctx.store.skipped.entries("product")}
    assert report.totals.skipped == 2
    assert "'12,50' is not a Sitoo money value" in skipped[singles[0]["sku"]]
    assert "unknown VAT group 99" in skipped[singles[1]["sku"]]
    products = _by_sku(woo)
    assert singles[0]["sku"] not in products and singles[2]["sku"] in products


async def test_variant_families_become_variable_products_with_stock_per_variation(
    shop, tmp_path
) -> None:
    sb, _server, woo, _ = shop
    mains = [p for p in sb.products.values() if p.get("variantparentid") == p["productid"]]
    async with context(shop, tmp_path) as ctx:
        report = await CatalogSync(ctx).run()
        await StockSync(ctx).run()
    assert report.totals.failed == 0
    products = _by_sku(woo)
    parent = products[f"{mains[0]['sku']}-parent"]
    assert parent["type"] == "variable"
    with woo.lock:
        variations = [v for v in woo.variations.values() if v.get("parent_id") == parent["id"]]
    by_sku = {v["sku"]: v for v in variations}
    assert set(by_sku) == {mains[0]["sku"], f"{mains[0]['sku']}-M", f"{mains[0]['sku']}-L"}
    medium = f"{mains[0]['sku']}-M"
    level = sb.warehouse_items[sitoo.WAREHOUSE_WEB][medium]
    assert by_sku[medium]["stock_quantity"] == int(level["total"] - level["reserved"])
