"""A WooCommerce variable product with products pushed to NexoPOS (which can't hold one):
set aside with that reason, each variation paired with the NexoPOS product of its SKU,
whose stock reaches the variation and whose orders book that product (over loopback)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.sync.catalog import CatalogSync
from engine.sync.directions import Direction, Directions
from engine.sync.stock import StockSync
from engine.woo import WooClient

from .nexopos_harness import WOO_KEY, WOO_SECRET, Servers, engine_context, sandboxes
from .orders_harness import RecordingAlerts, make_worker, shop_webhooks, wait_until

pytestmark = pytest.mark.timeout(60)
REASON = "variable products can't be represented in NexoPOS"
SIZES = {"S": "NX-00003", "M": "NX-00004"}  # plain NexoPOS products sold as the tee's sizes


@pytest.fixture
def servers():
    with sandboxes(products=5) as running:
        yield running


async def _shop_tee(servers: Servers) -> tuple[int, dict[str, int]]:
    """A variable product made in the shop: (its id, SKU -> variation id)."""
    async with WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET) as admin:
        attribute = {"name": "Size", "options": list(SIZES), "variation": True, "visible": True}
        body = {"name": "Tee", "type": "variable", "sku": "TEE", "attributes": [attribute]}
        tee = await admin.post("products", body)
        variations = {}
        for size, sku in SIZES.items():
            made = await admin.post(
                f"products/{tee['id']}/variations",
                {"sku": sku, "regular_price": "9.00", "manage_stock": True, "stock_quantity": 0,
                 "attributes": [{"name": "Size", "option": size}]},
            )  # fmt: skip
            variations[sku] = made["id"]
    return tee["id"], variations


def _variation_stock(servers: Servers, variation_id: int) -> Any:
    with servers.woo.lock:
        return servers.woo.variations[variation_id]["stock_quantity"]


async def test_a_shop_variable_product_is_set_aside_and_its_sizes_follow_nexopos(
    servers: Servers, tmp_path: Path
) -> None:
    tee_id, variations = await _shop_tee(servers)
    async with engine_context(servers, tmp_path) as ctx:
        ctx = replace(ctx, directions=Directions(products=Direction.BOTH))
        report = await CatalogSync(ctx).run()
        assert report.totals.failed == 0
        (entry,) = await ctx.store.skipped.entries("product", connection=ctx.connection)
        assert (entry.key, entry.reason) == ("TEE", REASON)
        with servers.woo.lock:  # no simple product was made of a size's SKU
            skus = [p["sku"] for p in servers.woo.products.values()]
        assert not set(SIZES.values()) & set(skus)
        await StockSync(ctx).run()
        for sku, variation_id in variations.items():
            stock = servers.nexo.stock(sku)
            assert stock > 0 and Decimal(str(_variation_stock(servers, variation_id))) == Decimal(
                str(stock)
            )
        worker, intake = make_worker(ctx, RecordingAlerts())
        async with shop_webhooks(ctx.woo, intake):
            before = servers.nexo.stock("NX-00004")
            order = servers.woo.place_order(
                [(variations["NX-00004"], 2)], payment_method="bacs", status="completed"
            )

            async def arrived() -> bool:
                return await ctx.store.outbox.get(order["id"]) is not None

            await wait_until(arrived)
            booked = await worker.drain()
        assert (booked.booked, booked.held) == (1, 0), booked
        (sale,) = servers.nexo.sales()
        with servers.nexo.lock:
            product = next(p for p in servers.nexo.products.values() if p["sku"] == "NX-00004")
        assert [line["product_id"] for line in sale["products"]] == [product["id"]]
        assert servers.nexo.stock("NX-00004") == before - 2
    assert tee_id


async def test_pairing_by_sku_can_be_turned_off(servers: Servers, tmp_path: Path) -> None:
    _, variations = await _shop_tee(servers)
    async with engine_context(servers, tmp_path, variations_by_sku=False) as ctx:
        ctx = replace(ctx, directions=Directions(products=Direction.PUSH))
        await CatalogSync(ctx).run()
        (entry,) = await ctx.store.skipped.entries("product", connection=ctx.connection)
        assert entry.reason == REASON  # set aside all the same
        await StockSync(ctx).run()
        assert all(_variation_stock(servers, v) == 0 for v in variations.values())
