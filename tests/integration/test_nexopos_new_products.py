"""New shop products reach NexoPOS when products are pushed (over loopback): created with
the configured unit group, unit and tax group, in the category the shop's is linked to
(or the default one, with a note), with the shop's stock; a SKU NexoPOS holds is linked,
never created twice; the next runs write nothing."""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from engine.sync.catalog import CatalogSync
from engine.sync.directions import Direction, Directions
from engine.sync.stock import StockSync
from engine.woo import WooClient
from sandbox.nexopos import ids
from sandbox.nexopos.seed import add_product

from .nexopos_harness import WOO_KEY, WOO_SECRET, Servers, engine_context, sandboxes

pytestmark = pytest.mark.timeout(60)
DEFAULTS = {
    "default_category_id": ids.CATEGORY_COFFEE,
    "default_unit_group_id": ids.UNIT_GROUP,
    "default_unit_id": ids.UNIT_PIECE,
    "default_tax_group_id": ids.TAX_STANDARD,
}


@pytest.fixture
def servers():
    with sandboxes(products=3) as running:
        yield running


def _nexo(servers: Servers, sku: str) -> list[dict]:
    with servers.nexo.lock:
        return [dict(p) for p in servers.nexo.products.values() if p["sku"] == sku]


def _creates(servers: Servers) -> int:
    return servers.nexo.requests[("POST", "/products")]


async def _shop_products(servers: Servers) -> None:
    async with WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET) as admin:
        bakery = next(c for c in servers.woo.categories.values() if c["name"] == "Bakery")
        own = await admin.post("products/categories", {"name": "Shop only"})
        await admin.post("products", {
            "name": "Sourdough Loaf", "sku": "SHOP-1", "regular_price": "12.50",
            "manage_stock": True, "stock_quantity": 7, "categories": [{"id": bakery["id"]}],
        })  # fmt: skip
        await admin.post("products", {
            "name": "Odd Thing", "sku": "SHOP-2", "regular_price": "3.00",
            "categories": [{"id": own["id"]}],
        })  # fmt: skip
        await admin.post("products", {"name": "Known", "sku": "SHOP-3", "regular_price": "1.00"})


async def test_new_shop_products_are_created_in_nexopos_with_the_defaults(
    servers: Servers, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with engine_context(servers, tmp_path, **DEFAULTS) as ctx:
        ctx = replace(ctx, directions=Directions(products=Direction.BOTH))
        await CatalogSync(ctx).run()  # the NexoPOS catalogue and categories into the shop
        await _shop_products(servers)
        held = add_product(servers.nexo, "SHOP-3", "Known at the till", Decimal("1.00"))
        with caplog.at_level(logging.INFO):
            report = await CatalogSync(ctx).run()
        assert report.totals.failed == 0
        (loaf,) = _nexo(servers, "SHOP-1")
        assert (loaf["name"], loaf["category_id"]) == ("Sourdough Loaf", ids.CATEGORY_BAKERY)
        assert (loaf["unit_group"], loaf["tax_group_id"]) == (ids.UNIT_GROUP, ids.TAX_STANDARD)
        (piece,) = servers.nexo.quantities_of(loaf["id"])
        assert piece["unit_id"] == ids.UNIT_PIECE
        assert Decimal(str(piece["sale_price_edit"])) == Decimal("12.50")
        assert servers.nexo.stock("SHOP-1") == 7  # the shop's stock, not zero
        (odd,) = _nexo(servers, "SHOP-2")
        assert odd["category_id"] == ids.CATEGORY_COFFEE  # the default category
        assert "SHOP-2: NexoPOS has none of its categories" in caplog.text
        assert [p["id"] for p in _nexo(servers, "SHOP-3")] == [held]  # linked, not created
        assert _creates(servers) == 2
        await CatalogSync(ctx).run()
        await StockSync(ctx).run()
        assert _creates(servers) == 2  # nothing created again
        loaf_in_shop = next(p for p in servers.woo.products.values() if p["sku"] == "SHOP-1")
        assert int(loaf_in_shop["stock_quantity"]) == 7


async def test_a_missing_default_sets_the_new_product_aside(
    servers: Servers, tmp_path: Path
) -> None:
    async with engine_context(servers, tmp_path, default_category_id=ids.CATEGORY_COFFEE) as ctx:
        ctx = replace(ctx, directions=Directions(products=Direction.PUSH))
        await CatalogSync(ctx).run()  # the categories (pulled)
        await _shop_products(servers)
        await CatalogSync(ctx).run()
        assert not _nexo(servers, "SHOP-1") and _creates(servers) == 0
        entries = await ctx.store.skipped.entries("product", connection=ctx.connection)
        reasons = {e.key: e.reason for e in entries}
        assert "default_unit_group_id" in reasons["SHOP-1"]
