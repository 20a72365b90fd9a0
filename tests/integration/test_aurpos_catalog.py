"""AurPOS → WooCommerce through the engine's catalog job, both sandboxes on loopback.

Products of the chosen location only, two-level categories, gross prices or the
chosen selling price group's, tax rates mapped to tax classes, stock of the
location; a product without a variation is set aside with a reason; a second
full read (no change feed) writes nothing.  The /public base path and the
wrapped response shape are detected.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import ConfigError
from engine.runtime.engine import LINK_GROUPS
from engine.store import MappingKind
from engine.sync.catalog import CatalogSync
from engine.sync.stock import StockSync
from tests.integration.aurpos_harness import LOCATION, TAX_CLASSES, aurpos_context, aurpos_sandboxes


def _at_location(pos, location: int) -> list[dict]:
    return [p for p in pos.products.values() if location in p["product_locations_ids"]]


def _woo_by_sku(woo) -> dict[str, dict]:
    with woo.lock:
        return {p["sku"]: dict(p) for p in woo.products.values() if p.get("sku")}


async def test_catalog_creates_the_locations_products_with_categories_prices_and_taxes(
    tmp_path: Path,
) -> None:
    with aurpos_sandboxes(products=10) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            report = await CatalogSync(ctx).run()
            assert report.totals.failed == 0
            shop = _woo_by_sku(servers.woo)
            sellable = [
                p for p in _at_location(servers.pos, int(LOCATION)) if p["product_variations"]
            ]
            assert {p["sku"] for p in sellable} <= set(shop)
            outside = [
                p["sku"]
                for p in servers.pos.products.values()
                if int(LOCATION) not in p["product_locations_ids"]
            ]
            assert outside and not set(outside) & set(shop)
            single = next(p for p in sellable if p["type"] == "single")
            woo = shop[single["sku"]]
            variation = single["product_variations"][0]["variations"][0]
            assert Decimal(woo["regular_price"]) == Decimal(variation["sell_price_inc_tax"])
            assert woo["tax_class"] == TAX_CLASSES[str(single["tax"])] or (
                woo["tax_class"] in ("", "standard") and TAX_CLASSES[str(single["tax"])] == ""
            )
            with servers.woo.lock:
                cats = {c["name"]: dict(c) for c in servers.woo.categories.values()}
            assert cats["Coffee"]["parent"] == cats["Drinks"]["id"]
            assert cats["Bakery"]["parent"] == cats["Food"]["id"]
            sub = servers.pos.categories[single["sub_category_id"] or single["category_id"]]
            linked = [c["id"] if isinstance(c, dict) else c for c in woo["categories"]]
            assert linked == [cats[sub["name"]]["id"]]
            stock = servers.pos.stock(variation["id"], int(LOCATION))
            assert woo["stock_quantity"] == int(stock) and stock != servers.pos.stock(
                variation["id"], 1
            )
            broken = next(p for p in servers.pos.products.values() if not p["product_variations"])
            assert broken["sku"] not in shop
            (aside,) = await ctx.store.skipped.entries(connection=ctx.connection)
            assert aside.key in (broken["sku"], str(broken["id"]))
            assert "no variation" in aside.reason


async def test_a_second_full_read_writes_nothing(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=8) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            await CatalogSync(ctx).run()
            again = await CatalogSync(ctx).run(full=True)
            assert again.totals.written == 0 and again.totals.failed == 0
            assert again.totals.unchanged > 0


async def test_price_group_prices_and_a_price_change_is_found_by_hash(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=6) as servers:
        async with aurpos_context(servers, tmp_path, price_group="1") as ctx:
            await CatalogSync(ctx).run()
            product = servers.pos.products[2]
            variation = product["product_variations"][0]["variations"][0]
            group = next(g for g in variation["selling_price_group"] if g["price_group_id"] == 1)
            assert Decimal(_woo_by_sku(servers.woo)[product["sku"]]["regular_price"]) == Decimal(
                group["price_inc_tax"]
            ).quantize(Decimal("0.01"))
            with servers.pos.lock:
                group["price_inc_tax"] = "99.0000"
            report = await CatalogSync(ctx).run(full=True)
            assert report.totals.written == 1
            assert _woo_by_sku(servers.woo)[product["sku"]]["regular_price"] == "99.00"


async def test_net_prices_for_a_shop_without_tax_in_prices(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=4) as servers:
        async with aurpos_context(servers, tmp_path, prices_include_tax=False) as ctx:
            await CatalogSync(ctx).run()
            product = servers.pos.products[2]
            variation = product["product_variations"][0]["variations"][0]
            woo = _woo_by_sku(servers.woo)[product["sku"]]
            assert Decimal(woo["regular_price"]) == Decimal(variation["default_sell_price"])


async def test_stock_job_publishes_the_locations_stock(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=6) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            await CatalogSync(ctx).run()
            product = servers.pos.products[2]
            variation_id = product["product_variations"][0]["variations"][0]["id"]
            servers.pos.set_stock(variation_id, int(LOCATION), 42)
            servers.pos.set_stock(variation_id, 1, 7)  # another location's stock is not ours
            await StockSync(ctx).run()
            assert _woo_by_sku(servers.woo)[product["sku"]]["stock_quantity"] == 42


@pytest.mark.parametrize("switches", [{"public_prefix": True}, {"wrapped": True}])
async def test_public_prefix_and_wrapped_shape_are_detected(tmp_path: Path, switches: dict) -> None:
    with aurpos_sandboxes(products=4, **switches) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            report = await CatalogSync(ctx).run()
            assert report.totals.written > 0 and report.totals.failed == 0
            assert servers.pos.products[2]["sku"] in _woo_by_sku(servers.woo)


async def test_variable_products_become_woocommerce_variable_products(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=6) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            report = await CatalogSync(ctx).run()
            assert report.totals.failed == 0
            variable = next(p for p in servers.pos.products.values() if p["type"] == "variable")
            parent = _woo_by_sku(servers.woo)[variable["sku"]]
            assert parent["type"] == "variable"
            wanted = variable["product_variations"][0]["variations"]
            with servers.woo.lock:
                shop = {v["sku"]: dict(v) for v in servers.woo.variations.values()}
            for variation in wanted:
                woo = shop[variation["sub_sku"]]
                assert Decimal(woo["regular_price"]) == Decimal(variation["sell_price_inc_tax"])
                assert woo["stock_quantity"] == int(servers.pos.stock(variation["id"], 2))


async def test_reset_forgets_links_deletes_nothing_and_rematches_by_sku(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=8) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            await CatalogSync(ctx).run()
            with servers.woo.lock:
                products, categories = len(servers.woo.products), len(servers.woo.categories)
            for group in ("products", "categories"):
                kinds, _ = LINK_GROUPS[group]
                for kind in kinds:
                    await ctx.store.links.delete_kind(kind, connection=ctx.connection)
            again = await CatalogSync(ctx).run(full=True)
            assert again.totals.failed == 0
            with servers.woo.lock:
                assert len(servers.woo.products) == products  # matched by SKU, none created
                assert len(servers.woo.categories) == categories
            assert await ctx.store.links.count("product", connection=ctx.connection) > 0


async def test_catalog_refuses_until_every_tax_rate_is_mapped(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=6) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            for source in ("2", "3"):
                await ctx.store.mappings.delete(MappingKind.TAX_CLASS, source)
            with pytest.raises(ConfigError) as refused:
                await CatalogSync(ctx).run()
            assert "2 VAT 10%" in refused.value.message and "3 Zero rated" in refused.value.message
            assert "1 VAT 20%" not in refused.value.message
            with servers.woo.lock:
                assert servers.woo.products == {}  # nothing was written
            await ctx.store.mappings.set(MappingKind.TAX_CLASS, "*", "")  # a default line
            assert (await CatalogSync(ctx).run()).totals.written > 0


async def test_only_new_leaves_existing_products_alone(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=6) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            await CatalogSync(ctx).run()
            product = servers.pos.products[2]
            with servers.pos.lock:
                product["name"] = "Renamed in the POS"
            report = await CatalogSync(ctx).run(full=True, only_new=True)
            assert report.totals.written == 0
            assert _woo_by_sku(servers.woo)[product["sku"]]["name"] != "Renamed in the POS"
            await CatalogSync(ctx).run(full=True)  # "all"
            assert _woo_by_sku(servers.woo)[product["sku"]]["name"] == "Renamed in the POS"
