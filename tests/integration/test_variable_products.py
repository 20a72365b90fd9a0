"""A back-office product with variants becomes a WooCommerce variable product (issue 15).

The writable minimal back office serves a shirt in three sizes; the catalog
job creates a ``variable`` product with a Size attribute and one variation
per size, through the variations batch endpoint of a real WooCommerce
sandbox on loopback; stock goes per variation, and an order line's
``variation_id`` resolves to the variant.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from engine.events import EventBus
from engine.model import Money, OrderLine, Product, Variant
from engine.store import StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.directions import Direction, Directions
from engine.sync.orders.booking import BookingCheck
from engine.sync.stock import StockSync
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient
from sandbox.server import start_server
from sandbox.woocommerce import WooSandbox, create_app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_backend"
WOO_KEY = "ck_shirt_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_shirt_0123456789abcdef0123456789abcdef"
PREFS = CatalogPreferences(new_products_status="publish", tax_classes={"std": ""})
SHIRT = Product(
    "shirt", "SHIRT", "Linen shirt", Money.of("30.00", "EUR"), tax_code_id="std",
    variants=(
        Variant("shirt-s", "SHIRT-S", (("Size", "S"),)),
        Variant("shirt-m", "SHIRT-M", (("Size", "M"),), price=Money.of("32.00", "EUR")),
        Variant("shirt-l", "SHIRT-L", (("Size", "L"),), price=Money.of("34.00", "EUR")),
    ),
)  # fmt: skip
VARIATIONS_BATCH = ("POST", "products/{product_id}/variations/batch")


@pytest.fixture
def backend() -> Iterator[object]:
    sys.path.insert(0, str(FIXTURE))
    try:
        from minimal_backend.two_way import TwoWayBackend

        yield TwoWayBackend(products=(SHIRT,))
    finally:
        sys.path.remove(str(FIXTURE))
        for name in [m for m in sys.modules if m.startswith("minimal_backend")]:
            sys.modules.pop(name)


@pytest.fixture
async def shop(backend, tmp_path: Path) -> AsyncIterator[tuple[WooSandbox, SyncContext]]:
    sandbox = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    server = start_server(create_app(sandbox))
    store = await StateStore.open(tmp_path / "state.db")
    client = WooClient(server.url, WOO_KEY, WOO_SECRET)
    ctx = SyncContext(
        "default", store, client, backend, EventBus(), prefs=PREFS, stock_location_id="shelf-a"
    )
    try:
        yield sandbox, ctx
    finally:
        await client.aclose()
        await store.close()
        server.stop()


def _variations(sandbox: WooSandbox) -> dict[str, dict]:
    (parent,) = sandbox.products.values()
    return {sandbox.variations[v]["sku"]: sandbox.variations[v] for v in parent["variations"]}


def _writes(sandbox: WooSandbox) -> int:
    return sandbox.stats.items_created + sandbox.stats.items_updated


async def test_variants_become_a_variable_product_with_variations(shop) -> None:
    sandbox, ctx = shop
    await CatalogSync(ctx).run()
    (parent,) = sandbox.products.values()
    assert parent["type"] == "variable"
    (size,) = parent["attributes"]
    assert (size["name"], size["options"], size["variation"]) == ("Size", ["S", "M", "L"], True)
    assert not parent.get("manage_stock")  # counted per variation
    variations = _variations(sandbox)
    assert {sku: v["regular_price"] for sku, v in variations.items()} == {
        "SHIRT-S": "30.00", "SHIRT-M": "32.00", "SHIRT-L": "34.00"
    }  # fmt: skip
    assert variations["SHIRT-M"]["attributes"] == [{"id": 0, "name": "Size", "option": "M"}]
    assert {v["stock_quantity"] for v in variations.values()} == {10}
    assert sandbox.stats.by_route[VARIATIONS_BATCH] == 1

    before = _writes(sandbox)
    await CatalogSync(ctx).run()
    assert _writes(sandbox) == before  # nothing changed: nothing written


async def test_a_changed_variant_updates_only_its_variation(shop, backend) -> None:
    sandbox, ctx = shop
    await CatalogSync(ctx).run()
    shirt = backend.products["shirt"]
    medium = replace(shirt.variants[1], price=Money.of("29.00", "EUR"))
    backend.edit(replace(shirt, variants=(shirt.variants[0], medium, shirt.variants[2])))
    before = sandbox.stats.items_updated
    await CatalogSync(ctx).run()
    assert sandbox.stats.items_updated == before + 1
    assert _variations(sandbox)["SHIRT-M"]["regular_price"] == "29.00"


async def test_stock_goes_per_variation(shop, backend) -> None:
    sandbox, ctx = shop
    await CatalogSync(ctx).run()
    await StockSync(ctx).run()
    backend.count("shirt-m", Decimal(7))
    await StockSync(ctx).run()
    stock = {sku: v["stock_quantity"] for sku, v in _variations(sandbox).items()}
    assert stock == {"SHIRT-S": 10, "SHIRT-M": 7, "SHIRT-L": 10}
    before = _writes(sandbox)
    await StockSync(ctx).run(full=True)
    assert _writes(sandbox) == before


async def test_an_order_line_variation_id_resolves_to_the_variant(shop) -> None:
    sandbox, ctx = shop
    await CatalogSync(ctx).run()
    large = _variations(sandbox)["SHIRT-L"]["id"]
    price = Money.of("34.00", "EUR")
    line = OrderLine("", "Linen shirt - L", Decimal(1), price, price, Money.of("0", "EUR"))
    link = await BookingCheck(ctx.store, "default").linked_product(
        replace(line, woo_product_id=large)
    )
    assert link is not None and link.backoffice_id == "shirt-l"


async def test_a_variation_counted_in_the_shop_goes_to_its_variant(shop, backend) -> None:
    """Stock both ways: a variation's quantity typed in wp-admin reaches the variant."""
    sandbox, ctx = shop
    ctx = replace(ctx, directions=Directions(stock=Direction.BOTH))
    await CatalogSync(ctx).run()
    await StockSync(ctx).run()
    (parent,) = sandbox.products.values()
    medium = _variations(sandbox)["SHIRT-M"]["id"]
    await ctx.woo.update_variation(parent["id"], medium, {"stock_quantity": 15})
    writes = backend.stock_writes
    await StockSync(ctx).run()
    assert backend.stock["shirt-m"].quantity == 15
    assert backend.stock_writes == writes + 1
    before = _writes(sandbox)
    await StockSync(ctx).run()  # the variant's new revision comes back: an echo
    assert (_writes(sandbox), backend.stock_writes) == (before, writes + 1)
