"""Answers that are not final, against a WooCommerce sandbox that behaves like the
real shop (issue 13): a loaded host that saves what it never answered, trashed
products holding their SKU, deleted products, images the shop can't download."""

from __future__ import annotations

from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from engine.events import JobFinished, LogEvent
from engine.sync.catalog import CatalogSync
from engine.sync.catalog_writer import IMAGE, PRODUCT, STOCK
from engine.sync.stock import StockSync
from engine.woo import WooClient
from sandbox.woocommerce import HostModel

from .sync_harness import WOO_KEY, WOO_SECRET, engine_context, sandboxes

pytestmark = pytest.mark.timeout(300)
SCALE = 0.01  # the sandbox host and the client timeout run 100 times faster than real


def _by_sku(sb) -> dict[str, dict]:
    with sb.lock:
        return {p["sku"]: dict(p) for p in sb.products.values() if p.get("sku")}


def _selling(kb) -> set[str]:
    rows = [kb.product(n) for n in kb.catalog._by_number]
    return {r["number"] for r in rows if r["active"] and not r.get("deactivated")}


@asynccontextmanager
async def _scaled_client(ctx, woo_server):
    """The engine's default 30 s timeout, on the sandbox's scaled clock."""
    woo = WooClient(woo_server.url, WOO_KEY, WOO_SECRET, timeout=30 * SCALE)
    try:
        yield replace(ctx, woo=woo)
    finally:
        await woo.aclose()


async def test_loaded_shop_timeouts_are_resolved_by_sku_not_reported(tmp_path: Path) -> None:
    with sandboxes(products=400) as (kb, sb, korona_server, woo_server):
        # 100 creates take ~39 s even one batch at a time: the default 30 s timeout fires
        # however the client's requests overlap (a busy machine overlaps them less)
        sb.host_model = HostModel(time_scale=SCALE, load_factor=5.0)
        async with (
            engine_context(tmp_path, korona_server, woo_server) as base,
            _scaled_client(base, woo_server) as ctx,
        ):
            events = ctx.bus.subscribe()
            sizer = ctx.woo.batch_sizer("products/batch", creates=True)
            sizer.per_item_s = 0.0  # as if measured on a quiet shop: 100 a request
            report = await CatalogSync(ctx).run()
            assert report.totals.failed == 0, [e.reason for e in report.diff.of("skip")]
            shop = _by_sku(sb)
            assert _selling(kb) <= set(shop)
            assert max(Counter(p.get("sku") for p in sb.products.values()).values()) == 1
            assert sizer.size() < 100  # the next requests are smaller
            assert await ctx.store.links.count(PRODUCT) == len(shop)
            seen = events.drain()
            notes = [e.text for e in seen if isinstance(e, LogEvent)]
            assert any("answer never came" in n for n in notes), notes  # timeouts happened
            finished = [e for e in seen if isinstance(e, JobFinished)]
            assert [e.ok for e in finished] == [True]  # the log agrees with the exit code


async def test_a_trashed_product_is_found_by_sku_and_restored(tmp_path: Path) -> None:
    with sandboxes(products=60) as (_, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            sku, product = next(iter(_by_sku(sb).items()))
            await ctx.woo.delete_product(product["id"])  # trashed in wp-admin
            events = ctx.bus.subscribe()
            report = await CatalogSync(ctx).run(full=True)
            assert (report.totals.failed, report.totals.skipped) == (0, 0)
            restored = _by_sku(sb)[sku]
            assert restored["id"] == product["id"] and restored["status"] == "publish"
            assert len(sb.products) == len(_by_sku(sb))  # nothing created twice
            notes = [e.text for e in events.drain() if isinstance(e, LogEvent)]
            assert any("trash" in n and "restored" in n for n in notes), notes
            again = await CatalogSync(ctx).run(full=True)
            assert again.totals.written == 0


async def test_a_product_deleted_in_the_shop_is_recreated_not_set_aside(tmp_path: Path) -> None:
    with sandboxes(products=60) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            shop = _by_sku(sb)
            sku = next(s for s, p in shop.items() if p.get("manage_stock"))
            await ctx.woo.delete_product(shop[sku]["id"], force=True)
            kb.set_stock(sku, 77)
            events = ctx.bus.subscribe()
            stock = await StockSync(ctx).run()
            assert await ctx.store.skipped.entries(STOCK) == []
            assert await ctx.store.links.get_by_sku(sku) == []
            assert stock.totals.failed == 1  # not written this time; the catalog job re-creates
            (finished,) = [e for e in events.drain() if isinstance(e, JobFinished)]
            # the run event says what the exit code (1) says
            assert not finished.ok and "1 item(s) not written yet" in finished.error
            await CatalogSync(ctx).run(full=True)
            assert _by_sku(sb)[sku]["stock_quantity"] == 77


async def test_unreachable_images_go_aside_and_the_product_goes_in(tmp_path: Path) -> None:
    with sandboxes(products=60) as (kb, sb, korona_server, woo_server):
        sb.unreachable_images.add("images.example.com")
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            report = await CatalogSync(ctx).run()
            with_images = {n for n in _selling(kb) if kb.product(n).get("mediaUrls")}
            assert with_images
            shop = _by_sku(sb)
            assert with_images <= set(shop)
            assert all(not shop[n].get("images") for n in with_images)
            aside = {e.key: e.reason for e in await ctx.store.skipped.entries(IMAGE)}
            assert set(aside) == with_images
            assert all("download" in r for r in aside.values())
            assert (report.totals.failed, await ctx.store.skipped.entries(PRODUCT)) == (0, [])
            sb.stats.reset()
            again = await CatalogSync(ctx).run(full=True)
            assert again.totals.written == 0  # not re-sent on every run
            sb.unreachable_images.clear()
            await CatalogSync(ctx).retry_skipped()
            shop = _by_sku(sb)
            assert all(shop[n].get("images") for n in with_images)
            assert await ctx.store.skipped.entries(IMAGE) == []


async def test_images_can_be_left_out_entirely(tmp_path: Path) -> None:
    with sandboxes(products=40) as (_, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as base:
            ctx = replace(base, prefs=replace(base.prefs, sync_images=False))
            await CatalogSync(ctx).run()
            assert not any(p.get("images") for p in _by_sku(sb).values())
