"""New shop products → Sitoo (products = "push" or "both"), over loopback.

A shop product Sitoo does not hold is created there once and linked; one whose
SKU Sitoo already holds is paired, never created twice; an external product
goes as a plain product, or is set aside with the reason when
``exclude_external = true``.
"""

from __future__ import annotations

import pytest

from engine.sync.catalog import CatalogSync
from sandbox import sitoo

from .test_sitoo_push import (
    _single,
    context,
    shop,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.timeout(120)


def _woo_sku(woo, sku: str) -> dict:
    with woo.lock:
        return next(dict(p) for p in woo.products.values() if p.get("sku") == sku)


def _sitoo_skus(sb: sitoo.SitooSandbox) -> list[str]:
    with sb.lock:
        return [p["sku"] for p in sb.products.values()]


async def test_new_shop_products_are_created_once_and_known_skus_paired(shop, tmp_path) -> None:  # noqa: F811
    sb, woo = shop[0], shop[2]
    held = _single(sb)
    async with context(shop, tmp_path, sitoo.WAREHOUSE_WEB) as ctx:
        await CatalogSync(ctx).run()  # Sitoo's catalog and tree come into the shop first
        leaf = next(c for c in sb.categories.values() if c.get("categoryparentid"))
        shelf = await ctx.store.links.get_by_backoffice_id(
            "category", str(leaf["categoryid"]), connection="default"
        )
        await ctx.woo.post(
            "products",
            {
                "name": "Shop only",
                "sku": "SHOP-1",
                "categories": [{"id": shelf.woo_id}],
                "regular_price": "12.50",
                "description": "From the shop",
            },
        )
        before = len(sb.products)
        twin = _woo_sku(woo, held["sku"])  # as if the shop had it before tillsync: unlinked
        await ctx.store.links.delete("product", held["sku"], connection="default")
        first = await CatalogSync(ctx).run()
        await CatalogSync(ctx).run()  # the pull's first look writes Sitoo's tax class once
        third = await CatalogSync(ctx).run()
        link = await ctx.store.links.get_by_woo_id("product", twin["id"], connection="default")
    assert _sitoo_skus(sb).count("SHOP-1") == 1 and _sitoo_skus(sb).count(held["sku"]) == 1
    assert len(sb.products) == before + 1
    created = next(p for p in sb.products.values() if p["sku"] == "SHOP-1")
    assert created["title"] == "Shop only" and created["description"] == "From the shop"
    assert created["categories"] == [str(leaf["categoryid"])]  # its linked category
    with woo.lock:
        shown = next(p for p in woo.products.values() if p.get("sku") == "SHOP-1")
    assert shown["categories"] == [shelf.woo_id]  # the pull reading it back kept it
    prices = sb.pricelist_items[sitoo.PRICELIST_WEBSHOP]
    assert prices[created["productid"]]["moneyprice"] == "12.50"
    assert link is not None and link.backoffice_id == held["sku"]
    assert first.totals.failed == 0 and third.totals.written == 0
    assert [e.key for e in first.diff.of("create", "product in the back office")] == ["SHOP-1"]


async def test_external_products_go_unless_excluded(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, _woo, _ = shop
    link = {"type": "external", "external_url": "https://elsewhere.example/p"}
    async with context(shop, tmp_path, sitoo.WAREHOUSE_WEB, exclude_external=True) as ctx:
        await ctx.woo.post("products", {"name": "Elsewhere", "sku": "EXT-1", **link})
        await CatalogSync(ctx).run()
        skipped = {e.key: e.reason for e in await ctx.store.skipped.entries("product")}
    assert "EXT-1" not in _sitoo_skus(sb)
    assert "exclude_external = true" in skipped["EXT-1"]


async def test_an_external_product_goes_as_a_plain_one_by_default(shop, tmp_path) -> None:  # noqa: F811
    sb, _server, _woo, _ = shop
    link = {"type": "external", "external_url": "https://elsewhere.example/p"}
    async with context(shop, tmp_path, sitoo.WAREHOUSE_WEB) as ctx:
        await ctx.woo.post("products", {"name": "Elsewhere", "sku": "EXT-2", **link})
        await CatalogSync(ctx).run()
    assert "EXT-2" in _sitoo_skus(sb)
