"""AurPOS → WooCommerce: the description mode and the fields chosen for create and for
update (issue 19), through the engine's catalog and stock jobs, both sandboxes on loopback."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.stock import StockSync
from tests.integration.aurpos_harness import LOCATION, aurpos_context, aurpos_sandboxes


def _woo_by_sku(woo) -> dict[str, dict]:
    with woo.lock:
        return {p["sku"]: dict(p) for p in woo.products.values() if p.get("sku")}


def _single(pos) -> dict:
    return next(
        p for p in pos.products.values()
        if p["type"] == "single" and int(LOCATION) in p["product_locations_ids"]
    )  # fmt: skip


def _with(ctx: SyncContext, **prefs: object) -> SyncContext:
    return replace(ctx, prefs=replace(ctx.prefs, **prefs))


async def test_description_mode_short_fills_the_short_description_and_none_leaves_the_shops(
    tmp_path: Path,
) -> None:
    with aurpos_sandboxes(products=6) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            await CatalogSync(_with(ctx, description_mode="short")).run()
            product = _single(servers.pos)
            woo = _woo_by_sku(servers.woo)[product["sku"]]
            assert woo["short_description"] == product["product_description"]
            assert woo.get("description", "") == ""

            servers.woo.edit_product(woo["id"], {"short_description": "written in the shop"})
            product["product_description"] = "<p>changed at the POS</p>"
            await CatalogSync(_with(ctx, description_mode="none")).run()
            woo = _woo_by_sku(servers.woo)[product["sku"]]
            assert woo["short_description"] == "written in the shop"
            assert woo.get("description", "") == ""


async def test_fields_chosen_for_create_and_for_update_are_the_only_ones_written(
    tmp_path: Path,
) -> None:
    every = {"name", "price", "category", "quantity", "weight", "images", "description"}
    with aurpos_sandboxes(products=6) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            ctx = _with(
                ctx,
                create_fields=frozenset(every - {"description", "weight"}),
                update_fields=frozenset({"price"}),
            )
            await CatalogSync(ctx).run()
            product = _single(servers.pos)
            variation = product["product_variations"][0]["variations"][0]
            woo = _woo_by_sku(servers.woo)[product["sku"]]
            assert woo["name"] == product["name"] and woo["regular_price"]
            assert woo.get("description", "") == "" and woo.get("weight", "") == ""
            stock_before = woo["stock_quantity"]
            assert stock_before == int(servers.pos.stock(variation["id"], int(LOCATION)))

            servers.woo.edit_product(woo["id"], {"name": "Named in the shop"})
            product["name"] = "Renamed at the POS"
            variation["sell_price_inc_tax"] = "99.5000"
            servers.pos.set_stock(variation["id"], int(LOCATION), stock_before + 7)
            await CatalogSync(ctx).run()
            await StockSync(ctx).run()

            woo = _woo_by_sku(servers.woo)[product["sku"]]
            assert Decimal(woo["regular_price"]) == Decimal("99.50")  # price: chosen for update
            assert woo["name"] == "Named in the shop"  # name: not chosen, the shop's stays
            assert woo["stock_quantity"] == stock_before  # quantity: not chosen for update


async def test_a_variation_price_not_chosen_for_update_stays_the_shops(tmp_path: Path) -> None:
    with aurpos_sandboxes(products=12) as servers:
        async with aurpos_context(servers, tmp_path) as ctx:
            await CatalogSync(ctx).run()
            product = next(
                p for p in servers.pos.products.values()
                if p["type"] == "variable" and int(LOCATION) in p["product_locations_ids"]
            )  # fmt: skip
            variation = product["product_variations"][0]["variations"][0]

            def shop_price() -> Decimal:
                with servers.woo.lock:
                    (row,) = [
                        v for v in servers.woo.variations.values()
                        if v.get("sku") == variation["sub_sku"]
                    ]  # fmt: skip
                    return Decimal(row["regular_price"])

            before = shop_price()
            variation["sell_price_inc_tax"] = f"{before + 10:.4f}"
            await CatalogSync(_with(ctx, update_fields=frozenset({"name"}))).run()
            assert shop_price() == before
            await CatalogSync(ctx).run()  # price chosen again: compared and written
            assert shop_price() == before + 10
