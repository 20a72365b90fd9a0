"""KORONA: the first stock run after an initial catalog reads only what changed.

The catalog job's first sync creates every product with the stock snapshot
it read; it leaves the stock job the revision the snapshot began at, so the
next stock run asks KORONA for changes since then (one page when nothing
changed) instead of every stock page again.  A level changed while the
snapshot was being read, or after its last page, still reaches the shop.
Over loopback, against the strict KORONA and WooCommerce sandboxes.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from engine.sync.catalog import CatalogSync
from engine.sync.stock import StockSync, stock_cursor_name
from sandbox import korona as kor

from .sync_harness import engine_context, sandboxes

pytestmark = pytest.mark.timeout(120)

PAGE = 10  # KORONA page size in these tests: the stock list spans several pages


def _stock_requests(kb: kor.KoronaSandbox) -> int:
    with kb.lock:
        return sum(n for (_, r), n in kb.stats.requests.items() if "productStocks" in r)


def _stock_rows_in_order(kb: kor.KoronaSandbox) -> list[tuple[str, str]]:
    """(product id, number) of the webshop warehouse's rows, oldest revision first."""
    with kb.lock:
        table = kb.stock.warehouses[kor.ORG_WAREHOUSE_ID]
        rows = table.since(0)
        return [(r.product_id, kb.catalog.require(r.product_id).number) for r in rows]


def _shop_stock(sb, sku: str) -> object:
    with sb.lock:
        return next(p.get("stock_quantity") for p in sb.products.values() if p["sku"] == sku)


async def test_the_first_stock_run_after_a_first_sync_reads_one_page(tmp_path: Path) -> None:
    with sandboxes(products=60) as (kb, _sb, korona_server, woo_server):
        rows = _stock_rows_in_order(kb)
        assert len(rows) > 3 * PAGE  # the snapshot is several pages
        async with engine_context(tmp_path, korona_server, woo_server, page_size=PAGE) as ctx:
            first = await CatalogSync(ctx).run()
            assert first.totals.failed == 0 and first.totals.written > 0
            assert _stock_requests(kb) >= math.ceil(len(rows) / PAGE)  # the snapshot
            name = stock_cursor_name(ctx.stock_location_id)
            assert await ctx.store.cursors.value(name) is not None
            before = _stock_requests(kb)
            report = await StockSync(ctx).run()
            assert _stock_requests(kb) - before <= 2
            assert report.totals.written == 0 and report.totals.failed == 0


async def test_a_level_changed_during_the_snapshot_reaches_the_shop(tmp_path: Path) -> None:
    """One level changes after the snapshot's first page (its row was already read),
    another once its last page is answered, before the catalog run ends."""
    with sandboxes(products=60) as (kb, sb, korona_server, woo_server):
        rows = _stock_rows_in_order(kb)
        (_, early_sku), (_, late_sku) = rows[0], rows[PAGE + 1]
        # the early row, changed, comes again at the end of the read: one row more
        last_page = math.ceil((len(rows) + 1) / PAGE)
        seen: list[int] = []

        def change_between_pages(method: str, route: str) -> None:
            if method != "GET" or "productStocks" not in route:
                return
            seen.append(1)
            if len(seen) == 1:
                kb.set_stock(early_sku, 777)
            elif len(seen) == last_page:
                kb.set_stock(late_sku, 555)

        kb.after_answer.append(change_between_pages)
        async with engine_context(tmp_path, korona_server, woo_server, page_size=PAGE) as ctx:
            first = await CatalogSync(ctx).run()
            kb.after_answer.clear()
            assert first.totals.failed == 0
            assert len(seen) == last_page  # both changes were made during the snapshot
            # read again at the snapshot's end, the early row's new level replaced the old
            assert Decimal(str(_shop_stock(sb, early_sku))) == 777
            report = await StockSync(ctx).run()
            assert report.totals.failed == 0
        assert Decimal(str(_shop_stock(sb, early_sku))) == 777
        assert Decimal(str(_shop_stock(sb, late_sku))) == 555


async def test_a_product_matched_in_the_shop_gets_its_stock_from_the_first_stock_run(
    tmp_path: Path,
) -> None:
    """A product already in the shop keeps the shop's stock on a first sync: the
    snapshot did not put it there, so no cursor is left and the stock run reads all."""
    with sandboxes(products=30) as (kb, sb, korona_server, woo_server):
        _, sku = _stock_rows_in_order(kb)[0]
        on_hand = kb.stock_of(sku)
        assert on_hand is not None and on_hand != 1
        async with engine_context(tmp_path, korona_server, woo_server, page_size=PAGE) as ctx:
            body = {"name": "already sold here", "sku": sku, "manage_stock": True}
            await ctx.woo.post("products", {**body, "stock_quantity": 1})
            await CatalogSync(ctx).run()
            assert Decimal(str(_shop_stock(sb, sku))) == 1  # matched: the shop's own
            assert await ctx.store.cursors.value(stock_cursor_name(ctx.stock_location_id)) is None
            await StockSync(ctx).run()
        assert Decimal(str(_shop_stock(sb, sku))) == on_hand


async def test_only_the_first_page_of_a_read_from_the_start_tells_where_it_began(
    tmp_path: Path,
) -> None:
    with sandboxes(products=30) as (kb, _sb, korona_server, woo_server):
        with kb.lock:
            began = kb.stock.max_revision
        async with engine_context(tmp_path, korona_server, woo_server, page_size=PAGE) as ctx:
            pages = [p async for p in ctx.backend.read_stock(location_id=kor.ORG_WAREHOUSE_ID)]
            kb.set_stock(_stock_rows_in_order(kb)[0][1], 3)
            changes = [p async for p in ctx.backend.read_stock(str(began), kor.ORG_WAREHOUSE_ID)]
        assert len(pages) > 1 and pages[0].start_cursor == str(began)
        assert [p.start_cursor for p in pages[1:]] == [None] * (len(pages) - 1)
        assert len(changes) == 1 and changes[0].start_cursor is None
        assert [level.quantity for level in changes[0].items] == [3]
