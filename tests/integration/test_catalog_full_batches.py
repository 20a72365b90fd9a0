"""The catalog job fills its WooCommerce batches across back-office pages (issue 21).

KORONA sandbox (pages of 30: a size that does not divide 100) -> catalog job ->
WooCommerce sandbox, over loopback.  Sent page by page, 430 products would
take 15 requests (one per page); gathered, they take ceil(430 / 100) = 5, and
every product is still linked once, its cursor saved, its progress shown.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from engine.events import JobProgress
from engine.sync.catalog import PRODUCT_CURSOR, CatalogSync
from engine.sync.product_writes import PRODUCT

from .sync_harness import engine_context, sandboxes

N = 430
PAGE = 30
pytestmark = pytest.mark.timeout(300)


def _product_batches(sb) -> int:
    return sb.stats.by_route.get(("POST", "products/batch"), 0)


def _selling(kb) -> list[str]:
    rows = [kb.product(n) for n in kb.catalog._by_number]
    return [r["number"] for r in rows if r["active"] and not r.get("deactivated")]


async def test_first_run_sends_full_batches_across_pages(tmp_path: Path) -> None:
    with sandboxes(products=N) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server, page_size=PAGE) as ctx:
            events = ctx.bus.subscribe()
            sb.stats.reset()
            report = await CatalogSync(ctx).run()
            assert report.totals.failed == 0 and report.totals.skipped == 0
            with sb.lock:
                skus = Counter(p.get("sku") for p in sb.products.values())
            assert set(_selling(kb)) <= set(skus)
            assert max(skus.values()) == 1  # nothing created twice
            created = len(skus)  # the shop was empty (variations live apart)
            assert created > 3 * 100  # several requests' worth, over 15 pages
            assert _product_batches(sb) == math.ceil(created / 100)
            assert await ctx.store.links.count(PRODUCT) == len(skus)
            assert await ctx.store.cursors.value(PRODUCT_CURSOR) is not None
            progress = [e for e in events.drain() if isinstance(e, JobProgress)]
            assert max(e.done for e in progress) == N  # every page reported


async def test_an_incremental_run_gathers_changes_spread_over_pages(tmp_path: Path) -> None:
    """150 price changes, five in every page of 30: two requests, not thirty."""
    with sandboxes(products=N) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server, page_size=PAGE) as ctx:
            await CatalogSync(ctx).run()
            with sb.lock:  # simple products sold at a webshop price (others follow no price)
                priced = {
                    p["sku"]
                    for p in sb.products.values()
                    if p.get("type", "simple") == "simple" and p.get("regular_price")
                }
            changed = [n for n in _selling(kb) if n in priced][::2][:150]
            assert len(changed) == 150
            for number in changed:
                kb.set_price(number, Decimal("12.34"))
            sb.stats.reset()
            report = await CatalogSync(ctx).run()
            assert sorted(e.key for e in report.diff.of("update", PRODUCT)) == sorted(changed)
            assert sb.stats.items_updated == len(changed)
            assert _product_batches(sb) == math.ceil(len(changed) / 100)
            with sb.lock:
                prices = {p.get("sku"): p.get("regular_price") for p in sb.products.values()}
            assert all(prices[n] == "12.34" for n in changed)
            sb.stats.reset()
            await CatalogSync(ctx).run()
            assert _product_batches(sb) == 0  # linked and hashed: nothing left to write
