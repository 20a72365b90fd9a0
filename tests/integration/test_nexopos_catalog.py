"""NexoPOS sandbox → catalog job → WooCommerce sandbox, over loopback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.sync.catalog import CatalogSync
from engine.sync.stock import StockSync
from sandbox.nexopos import add_category, add_product, add_variable_product, ids

from .nexopos_harness import engine_context, sandboxes

pytestmark = pytest.mark.timeout(120)


def _by_sku(woo) -> dict[str, dict]:
    with woo.lock:
        return {p["sku"]: dict(p) for p in woo.products.values() if p.get("sku")}


def _category_names(woo, product: dict) -> list[str]:
    """The shop stores a product's category ids; name them."""
    with woo.lock:
        names = {c["id"]: c["name"] for c in woo.categories.values()}
    return [names[c if isinstance(c, int) else c["id"]] for c in product["categories"]]


def _woo_writes(woo) -> int:
    return sum(n for (m, _), n in woo.stats.by_route.items() if m in {"POST", "PUT", "DELETE"})


async def test_products_categories_prices_and_stock_reach_woocommerce(tmp_path: Path) -> None:
    with sandboxes(products=12) as servers:
        nexo = servers.nexo
        async with engine_context(servers, tmp_path, price_tier="wholesale") as ctx:
            report = await CatalogSync(ctx).run()
            assert report.totals.failed == 0 and report.totals.skipped == 0
            products = _by_sku(servers.woo)
            assert len(products) == 12
            first = next(p for p in nexo.products.values() if p["sku"] == "NX-00001")
            piece = nexo.quantities_of(first["id"])[0]
            woo = products["NX-00001"]
            assert Decimal(woo["regular_price"]) == Decimal(str(piece["wholesale_price_gross"]))
            assert woo["stock_quantity"] == int(piece["quantity"])
            assert woo["tax_class"] == "reduced-rate"  # tax group 2 → its mapped class
            with servers.woo.lock:
                cats = {c["id"]: c for c in servers.woo.categories.values()}
            coffee = next(c for c in cats.values() if c["name"] == "Coffee")
            assert cats[coffee["parent"]]["name"] == "Drinks"  # the hierarchy holds
            assert _category_names(servers.woo, woo) == [
                nexo.categories[first["category_id"]]["name"]
            ]


async def test_a_second_run_writes_nothing_and_costs_few_requests(tmp_path: Path) -> None:
    with sandboxes(products=30) as servers:
        async with engine_context(servers, tmp_path, page_size=10) as ctx:
            await CatalogSync(ctx).run()
            servers.woo.stats.reset()
            before = ctx.backend.stats.total
            again = await CatalogSync(ctx).run()
            assert again.totals.written == 0 and _woo_writes(servers.woo) == 0
            # the category tree (read once: without a change feed that read is the whole
            # tree), 3 product pages of 10 and 6 unit-quantity pages of 10: no more
            assert ctx.backend.stats.total - before == 1 + 3 + 6


async def test_every_category_is_read_without_a_cap(tmp_path: Path) -> None:
    with sandboxes(products=2) as servers:
        parent = ids.CATEGORY_BAKERY
        for n in range(120):
            parent_id = add_category(servers.nexo, f"Shelf {n:03d}", parent if n % 2 else None)
        add_product(servers.nexo, "NX-DEEP", "Deep item", Decimal("3.50"), category_id=parent_id)
        async with engine_context(servers, tmp_path) as ctx:
            report = await CatalogSync(ctx).run()
            assert report.totals.failed == 0
            with servers.woo.lock:
                names = {c["name"] for c in servers.woo.categories.values()}
            assert {f"Shelf {n:03d}" for n in range(120)} <= names
            deep = _by_sku(servers.woo)["NX-DEEP"]
            assert _category_names(servers.woo, deep) == ["Shelf 119"]


async def test_stock_job_follows_nexopos_quantities(tmp_path: Path) -> None:
    with sandboxes(products=5) as servers:
        async with engine_context(servers, tmp_path) as ctx:
            await CatalogSync(ctx).run()
            nexo = servers.nexo
            with nexo.lock:
                product = next(p for p in nexo.products.values() if p["sku"] == "NX-00003")
                nexo.quantities_of(product["id"])[0]["quantity"] = 2.0
            await StockSync(ctx).run()
            assert _by_sku(servers.woo)["NX-00003"]["stock_quantity"] == 2


async def test_a_variable_product_arrives_with_its_variations_prices_and_stock(
    tmp_path: Path,
) -> None:
    with sandboxes(products=2) as servers:
        nexo = servers.nexo
        add_variable_product(nexo, "NX-TEA", "Tea sampler", [
            ("NX-TEA-G", "Green", Decimal("3.50"), 7), ("NX-TEA-B", "Black", Decimal("4.00"), 2),
        ])  # fmt: skip
        async with engine_context(servers, tmp_path) as ctx:
            report = await CatalogSync(ctx).run()
            assert report.totals.failed == 0 and report.totals.skipped == 0
            parent = _by_sku(servers.woo)["NX-TEA"]
            assert parent["type"] == "variable"
            with servers.woo.lock:
                kids = {v["sku"]: dict(v) for v in servers.woo.variations.values()}
            found = {s: (Decimal(v["regular_price"]), v["stock_quantity"]) for s, v in kids.items()}
            assert found == {"NX-TEA-G": (Decimal("3.50"), 7), "NX-TEA-B": (Decimal("4.00"), 2)}
            with nexo.lock:
                green = next(p for p in nexo.products.values() if p["sku"] == "NX-TEA-G")
                nexo.quantities_of(green["id"])[0]["quantity"] = 1.0
            await StockSync(ctx).run()
            with servers.woo.lock:
                green_woo = next(
                    v for v in servers.woo.variations.values() if v["sku"] == "NX-TEA-G"
                )
                assert green_woo["stock_quantity"] == 1
            assert (await CatalogSync(ctx).run()).totals.written == 0
