"""KORONA sandbox → tillsync catalog/stock jobs → WooCommerce sandbox, over loopback."""

from __future__ import annotations

import json
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from engine.errors import TransientError
from engine.sync.catalog import CatalogSync
from engine.sync.stock import StockSync
from sandbox import korona as kor

from .sync_harness import engine_context, sandboxes

N = 1000
pytestmark = pytest.mark.timeout(300)


def _selling(kb) -> list[str]:
    """Numbers of products the back office sells (neither deleted nor deactivated)."""
    rows = [kb.product(n) for n in kb.catalog._by_number]
    return [r["number"] for r in rows if r["active"] and not r.get("deactivated")]


def _by_sku(sb) -> dict[str, dict]:
    with sb.lock:
        return {p["sku"]: dict(p) for p in sb.products.values() if p.get("sku")}


def _batch_posts(sb) -> int:
    return sum(
        n
        for (method, route), n in sb.stats.by_route.items()
        if method == "POST" and route.endswith("/batch")
    )


def _writes(sb) -> int:
    return sum(
        n
        for (method, _), n in sb.stats.by_route.items()
        if method in {"POST", "PUT", "PATCH", "DELETE"}
    )


def _reads(sb) -> int:
    return sum(n for (method, _), n in sb.stats.by_route.items() if method == "GET")


@pytest.fixture(scope="module")
def shop():
    with sandboxes(products=N) as servers:
        yield servers


async def test_first_run_creates_everything_in_few_batches_then_noop_and_increments(
    shop, tmp_path: Path
) -> None:
    kb, sb, korona_server, woo_server = shop
    async with engine_context(tmp_path, korona_server, woo_server) as ctx:
        sb.stats.reset()
        report = await CatalogSync(ctx).run()
        products = _by_sku(sb)
        active = _selling(kb)
        assert report.totals.skipped == 0, [e.reason for e in report.diff.of("skip")]
        assert set(active) <= set(products)
        assert len(products) == len(products.keys())  # no duplicate SKUs
        product_batches = sb.stats.by_route.get(("POST", "products/batch"), 0)
        # 100 a request from the first: a full batch fits well within the 30 s timeout
        # (engine/woo/batch_size.py)
        assert product_batches == math.ceil(len(products) / 100)
        assert _writes(sb) == product_batches + 3  # one category batch per tree level
        # the (empty) shop read once for SKU matching, its tax classes once
        assert _reads(sb) <= 3
        # spot-check one product field by field
        sample = kb.product(active[3])
        woo = products[active[3]]
        webshop = next(
            p for p in sample["prices"] if p["priceGroup"]["id"] == kor.PRICE_GROUP_WEBSHOP_ID
        )
        assert Decimal(woo["regular_price"]) == Decimal(webshop["value"])
        assert woo["name"] == sample["name"]
        assert woo.get("manage_stock") is True

        sb.stats.reset()
        noop = await CatalogSync(ctx).run()
        stock_noop = await StockSync(ctx).run()
        assert _writes(sb) == 0
        assert noop.totals.written == 0 and stock_noop.totals.written == 0

        changed_prices = active[10:20]
        for number in changed_prices:
            kb.set_price(number, Decimal("99.95"))
        changed_stock = active[30:35]
        for i, number in enumerate(changed_stock):
            kb.set_stock(number, 40 + i)
        sb.stats.reset()
        catalog = await CatalogSync(ctx).run()
        stock = await StockSync(ctx).run()
        assert sorted(e.key for e in catalog.diff.of("update", "product")) == sorted(changed_prices)
        assert all(
            [c.field for c in e.changes] == ["regular_price"] for e in catalog.diff.of("update")
        )
        assert sorted(e.key for e in stock.diff.of("update", "stock")) == sorted(changed_stock)
        assert sb.stats.items_updated == len(changed_prices) + len(changed_stock)
        assert _batch_posts(sb) == 2
        products = _by_sku(sb)
        assert all(products[n]["regular_price"] == "99.95" for n in changed_prices)
        assert [products[n]["stock_quantity"] for n in changed_stock] == [40, 41, 42, 43, 44]


async def test_existing_woo_products_are_linked_by_sku_not_duplicated(tmp_path: Path) -> None:
    with sandboxes(products=120) as (kb, sb, korona_server, woo_server):
        numbers = list(kb.catalog._by_number)[:30]
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            created = await ctx.woo.batch(
                "products",
                create=[{"name": f"Old {n}", "sku": n, "regular_price": "1.00"} for n in numbers],
            )
            assert created.ok
            before = len(sb.products)
            report = await CatalogSync(ctx).run()
            skus = Counter(p.get("sku") for p in sb.products.values())
            assert max(skus.values()) == 1
            created_skus = {e.key for e in report.diff.of("create", "product")}
            assert len(sb.products) == before + len(created_skus)
            assert not created_skus & set(numbers)
            assert _by_sku(sb)[numbers[0]]["name"] == kb.product(numbers[0])["name"]


async def test_bad_sku_is_skipped_with_reason_while_the_rest_syncs(tmp_path: Path) -> None:
    with sandboxes(products=50) as (kb, _, korona_server, woo_server):
        async with httpx.AsyncClient(
            base_url=f"{korona_server.url}/web/api/v3",
            auth=(kor.DEFAULT_USER, kor.DEFAULT_PASSWORD),
        ) as http:
            template = kb.product("10001")
            bad = {
                "number": "BAD SKU 1",
                "name": "Broken article",
                "sector": template["sector"],
                "commodityGroup": template["commodityGroup"],
                "prices": template["prices"],
            }
            answer = await http.post(
                f"/accounts/{kor.DEFAULT_ACCOUNT_ID}/products",
                content=json.dumps([bad], default=str),
                headers={"Content-Type": "application/json"},
            )
            assert answer.status_code == 200, answer.text
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            report = await CatalogSync(ctx).run()
            skipped = report.diff.of("skip", "product")
            assert [e.key for e in skipped] == ["BAD SKU 1"] or any(
                "BAD SKU 1" in e.key for e in skipped
            )
            items = await ctx.store.skipped.entries("product")
            assert any("spaces" in item.reason for item in items)
            assert report.totals.written >= 40


async def test_stock_visibility_deactivation_and_dry_run(tmp_path: Path) -> None:
    with sandboxes(products=80) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            products = _by_sku(sb)
            number = next(n for n in products if products[n].get("stock_quantity", 0) > 0)
            kb.set_stock(number, 0)
            await StockSync(ctx).run()
            assert _by_sku(sb)[number]["catalog_visibility"] == "hidden"
            kb.set_stock(number, 7)
            await StockSync(ctx).run()
            assert _by_sku(sb)[number]["catalog_visibility"] == "visible"
            assert _by_sku(sb)[number]["stock_quantity"] == 7

            other = next(n for n in products if n != number)
            kb.deactivate(other)
            await CatalogSync(ctx).run()
            assert _by_sku(sb)[other]["status"] == "draft"

            changed = [n for n in products if n not in (number, other)][:5]
            for n in changed:
                kb.set_price(n, Decimal("12.34"))
            sb.stats.reset()
            dry = await CatalogSync(ctx).run(dry_run=True)
            assert _writes(sb) == 0
            assert all(_by_sku(sb)[n]["regular_price"] != "12.34" for n in changed)
            real = await CatalogSync(ctx).run()
            assert [(e.key, [(c.field, c.after) for c in e.changes]) for e in dry.diff.entries] == [
                (e.key, [(c.field, c.after) for c in e.changes]) for e in real.diff.entries
            ]
            assert all(c.before is not None for e in dry.diff.of("update") for c in e.changes)
            assert all(_by_sku(sb)[n]["regular_price"] == "12.34" for n in changed)


async def test_answers_lost_after_commit_never_duplicate_products(tmp_path: Path) -> None:
    """WooCommerce writes the batch, then answers 500: the next run links, not re-creates."""
    from sandbox.woocommerce import HostModel

    with sandboxes(products=400) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            sb.host_model = HostModel(rate_500_after_write=0.5, fault_seed=3)
            first = await CatalogSync(ctx).run()
            assert first.totals.failed > 0  # the fault really hit product batches
            sb.host_model = HostModel()
            await CatalogSync(ctx).run()
            second = await CatalogSync(ctx).run()
            skus = Counter(p.get("sku") for p in sb.products.values())
            assert max(skus.values()) == 1
            assert second.totals.written == 0
            linked = await ctx.store.links.count("product")
            assert linked == len(sb.products)
            assert set(_selling(kb)) <= set(skus)


async def test_reset_links_rematches_by_sku_without_writing(tmp_path: Path) -> None:
    with sandboxes(products=150) as (_, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            products_before = len(sb.products)
            linked = await ctx.store.links.count("product")
            for kind in ("product", "stock", "category"):
                await ctx.store.links.delete_kind(kind)
            sb.stats.reset()
            report = await CatalogSync(ctx).run(full=True)
            assert _writes(sb) == 0, report.diff.render()
            assert len(sb.products) == products_before
            assert await ctx.store.links.count("product") == linked


async def test_a_failed_stock_read_writes_nothing_and_never_zero(tmp_path: Path) -> None:
    with sandboxes(products=120) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            before = {sku: p.get("stock_quantity") for sku, p in _by_sku(sb).items()}
            changed = [n for n in _selling(kb) if before.get(n)][:3]
            for number in changed:
                kb.set_stock(number, 0)
            kb.knobs.update(down=True)
            with pytest.raises(TransientError):
                await StockSync(ctx).run()
            after = {sku: p.get("stock_quantity") for sku, p in _by_sku(sb).items()}
            assert after == before
            kb.knobs.update(down=False)
            await StockSync(ctx).run()
            assert [_by_sku(sb)[n]["stock_quantity"] for n in changed] == [0, 0, 0]
            last = await ctx.store.runs.recent(limit=2, job="stock")
            assert [run.ok for run in last] == [True, False]
