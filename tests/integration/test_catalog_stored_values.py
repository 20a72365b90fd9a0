"""The shop changes values as it stores them; tillsync compares with what the shop
will hold, so a second full run writes nothing (issue 13, "Endless rewrites")."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from engine.store.mappings import MappingKind
from engine.sync.catalog import PRODUCT_CURSOR, CatalogSync
from engine.sync.catalog_writer import PRODUCT, STOCK
from engine.sync.stock import StockSync, stock_cursor_name
from sandbox import korona as kor

from .sync_harness import engine_context, sandboxes

pytestmark = pytest.mark.timeout(300)


def _writes(sb) -> int:
    return sum(
        n for (method, _), n in sb.stats.by_route.items() if method in {"POST", "PUT", "DELETE"}
    )


def _by_sku(sb) -> dict[str, dict]:
    with sb.lock:
        return {p["sku"]: dict(p) for p in sb.products.values() if p.get("sku")}


async def _add_uncategorized(korona_server, kb, number: str) -> None:
    template = kb.product("10001")
    loose = {
        "number": number,
        "name": "Loose & Free",
        "sector": template["sector"],
        "prices": template["prices"],
    }
    async with httpx.AsyncClient(
        base_url=f"{korona_server.url}/web/api/v3",
        auth=(kor.DEFAULT_USER, kor.DEFAULT_PASSWORD),
    ) as http:
        answer = await http.post(
            f"/accounts/{kor.DEFAULT_ACCOUNT_ID}/products",
            content=json.dumps([loose], default=str),
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 200, answer.text


async def test_full_sync_twice_the_second_run_writes_nothing(tmp_path: Path) -> None:
    with sandboxes(products=150) as (kb, sb, korona_server, woo_server):
        numbers = [n for n in kb.catalog._by_number][:3]
        kb.rename(numbers[0], "Tea & Honey <Bio>")
        kb.rename(numbers[1], "Salt &amp; Pepper")
        await _add_uncategorized(korona_server, kb, "LOOSE-1")
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            # an admin typed the class's name, not its slug
            await ctx.store.mappings.set(
                MappingKind.TAX_CLASS, kor.SECTOR_REDUCED_ID, "Reduced rate"
            )
            first = await CatalogSync(ctx).run(full=True)
            assert first.totals.written > 100 and first.totals.failed == 0
            shop = _by_sku(sb)
            assert shop[numbers[0]]["name"] == "Tea &amp; Honey"
            assert shop["LOOSE-1"]["categories"] == [sb.default_category_id]
            assert {p.get("tax_class", "") for p in shop.values()} >= {"reduced-rate"}
            sb.stats.reset()
            second = await CatalogSync(ctx).run(full=True)
            changed = [(e.key, [c.field for c in e.changes]) for e in second.diff.of("update")]
            assert changed == []
            assert second.diff.of("create") == []
            assert (second.totals.written, _writes(sb)) == (0, 0)
            dry = await CatalogSync(ctx).run(full=True, dry_run=True)
            assert dry.diff.of("create") == [] and dry.diff.of("update") == []


async def test_unknown_tax_class_is_refused_and_never_written(tmp_path: Path) -> None:
    with sandboxes(products=120) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await ctx.store.mappings.set(MappingKind.TAX_CLASS, kor.SECTOR_FREE_ID, "zero_rate")
            report = await CatalogSync(ctx).run()
            gift_cards = [
                n
                for n in kb.catalog._by_number
                if kb.product(n)["sector"]["id"] == kor.SECTOR_FREE_ID
            ]
            assert gift_cards
            shop = _by_sku(sb)
            assert not set(gift_cards) & set(shop)  # never written as standard rate
            reasons = {e.key: e.reason for e in report.diff.of("skip", "product")}
            refused = [n for n in gift_cards if n in reasons]
            assert refused and all("zero_rate" in reasons[n] for n in refused)
            assert report.totals.written > 0  # the rest of the catalog went on


async def test_relinked_products_record_the_stock_the_shop_holds(tmp_path: Path) -> None:
    with sandboxes(products=120) as (_, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            await StockSync(ctx).run()
            links = ctx.store.links
            assert await links.count(STOCK) > 50
            for kind in (PRODUCT, STOCK):  # what `links reset` does
                await links.delete_kind(kind)
            for cursor in (PRODUCT_CURSOR, stock_cursor_name(kor.ORG_WAREHOUSE_ID)):
                await ctx.store.cursors.delete(cursor)
            sb.stats.reset()
            relinked = await CatalogSync(ctx).run()
            assert relinked.totals.written == 0 and _writes(sb) == 0
            assert await links.count(PRODUCT) > 100
            stock = await StockSync(ctx).run()
            assert (stock.totals.written, _writes(sb)) == (0, 0)
