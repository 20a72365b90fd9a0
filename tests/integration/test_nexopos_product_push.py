"""Both ways for products: a shop edit reaches NexoPOS as a whole product form, and its
echo writes nothing back (WooCommerce sandbox ↔ NexoPOS sandbox, over loopback)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from engine.sync.catalog import CatalogSync
from engine.sync.directions import Direction, Directions
from engine.woo import WooClient

from .nexopos_harness import WOO_KEY, WOO_SECRET, engine_context, sandboxes


def _writes(servers) -> tuple[int, int]:
    shop = sum(n for (m, _), n in servers.woo.stats.by_route.items() if m in {"POST", "PUT"})
    office = sum(n for (m, _), n in servers.nexo.requests.items() if m == "PUT")
    return shop, office


async def test_a_shop_edit_is_pushed_once_and_its_echo_writes_nothing(tmp_path: Path) -> None:
    with sandboxes(products=4) as servers:
        async with engine_context(servers, tmp_path) as ctx:
            ctx = replace(ctx, directions=Directions(products=Direction.BOTH))
            await CatalogSync(ctx).run()
            nexo = servers.nexo
            product = next(p for p in nexo.products.values() if p["sku"] == "NX-00002")
            units_before = {q["unit_id"] for q in nexo.quantities_of(product["id"])}
            wholesale = nexo.quantities_of(product["id"])[0]["wholesale_price_edit"]
            woo_id = next(p["id"] for p in servers.woo.products.values() if p["sku"] == "NX-00002")
            async with WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET) as admin:
                await admin.update_product(woo_id, {"name": "Renamed", "regular_price": "7.25"})
            before = _writes(servers)
            await CatalogSync(ctx).run()
            after = _writes(servers)
            assert after[1] - before[1] == 1  # one whole form PUT to NexoPOS
            assert product["name"] == "Renamed"
            piece = nexo.quantities_of(product["id"])[0]
            assert Decimal(str(piece["sale_price_edit"])) == Decimal("7.25")
            assert piece["wholesale_price_edit"] == wholesale  # other tiers untouched
            assert {q["unit_id"] for q in nexo.quantities_of(product["id"])} == units_before
            await CatalogSync(ctx).run()
            assert _writes(servers) == after  # no ping-pong
