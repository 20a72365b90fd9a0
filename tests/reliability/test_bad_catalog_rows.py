"""Bad back-office rows are set aside with a reason; the rest of the catalog syncs.

Each bad row is made the way it happens in a shop: through the KORONA API or
the back office's own screens (the sandbox's back-office helpers), never by
poking tillsync's state.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx

from engine.model import Money, Product
from engine.store.mappings import MappingKind
from engine.sync.catalog import CatalogSync
from engine.sync.catalog_writer import ProductWriter
from engine.sync.diff import CatalogDiff
from engine.sync.jobrun import JobRun
from engine.sync.shop_view import ShopView
from engine.sync.stock import StockSync
from sandbox import korona as kor
from tests.integration.sync_harness import engine_context, sandboxes


def _selling(kb) -> list[str]:
    rows = [kb.product(n) for n in kb.catalog._by_number]
    return [r["number"] for r in rows if r["active"] and not r.get("deactivated")]


async def _post_product(server_url: str, product: dict) -> None:
    async with httpx.AsyncClient(
        base_url=f"{server_url}/web/api/v3", auth=(kor.DEFAULT_USER, kor.DEFAULT_PASSWORD)
    ) as http:
        answer = await http.post(
            f"/accounts/{kor.DEFAULT_ACCOUNT_ID}/products",
            content=json.dumps([product], default=str),
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 200, answer.text


async def test_each_bad_row_is_set_aside_with_a_reason_and_retried_in_one_step(
    tmp_path: Path,
) -> None:
    with sandboxes(products=200) as (kb, sb, korona_server, woo_server):
        selling = _selling(kb)
        names = {selling[0]: "Ring\x07bell", selling[1]: "x" * 10_000}
        for number, name in names.items():
            kb.rename(number, name)
        kb.set_price(selling[2], Decimal("4.999"))
        unmapped = next(
            n for n in selling[3:] if kb.product(n)["sector"]["id"] == kor.SECTOR_FREE_ID
        )
        template = kb.product(selling[10])
        await _post_product(
            korona_server.url,
            {"number": "DUP 1", "name": "Spaced number", "sector": template["sector"],
             "prices": template["prices"]},
        )  # fmt: skip
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await ctx.store.mappings.delete(MappingKind.TAX_CLASS, kor.SECTOR_FREE_ID)
            report = await CatalogSync(ctx).run()
            reasons = {e.key: e.reason for e in report.diff.of("skip", "product")}
            assert "control characters" in reasons[selling[0]]
            assert "characters long" in reasons[selling[1]]
            assert "more than 2 decimals" in reasons[selling[2]]
            assert "has no WooCommerce tax class" in reasons[unmapped]
            assert "spaces" in reasons["DUP 1"]
            in_shop = {p.get("sku") for p in sb.products.values()}
            assert not in_shop & set(reasons)
            healthy = [n for n in selling if kb.product(n)["sector"]["id"] != kor.SECTOR_FREE_ID]
            assert set(healthy) - set(reasons) <= in_shop  # the rest synced
            stored = {item.key: item.reason for item in await ctx.store.skipped.entries("product")}
            assert stored.keys() == reasons.keys()

            # the admin fixes two rows in the back office and retries them in one step
            kb.rename(selling[0], "Ring bell")
            kb.set_price(selling[2], Decimal("4.99"))
            retry = await CatalogSync(ctx).retry_skipped()
            created = {e.key for e in retry.diff.of("create", "product")}
            assert created == {selling[0], selling[2]}
            still = {item.key for item in await ctx.store.skipped.entries("product")}
            assert still == set(reasons) - created


async def test_fractional_stock_is_set_aside_and_negative_is_mirrored(tmp_path: Path) -> None:
    with sandboxes(products=80) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            by_sku = {p.get("sku"): p for p in sb.products.values()}
            tracked = [n for n in _selling(kb) if by_sku.get(n, {}).get("manage_stock")]
            weighed, oversold = tracked[:2]
            before = by_sku[weighed].get("stock_quantity")
            kb.set_stock(weighed, Decimal("2.5"))
            kb.set_stock(oversold, -3)
            report = await StockSync(ctx).run()
            skipped = {e.key: e.reason for e in report.diff.of("skip")} | {
                i.key: i.reason for i in await ctx.store.skipped.entries("stock")
            }
            assert "not a whole number" in skipped[weighed]
            by_sku = {p.get("sku"): p for p in sb.products.values()}
            assert by_sku[weighed].get("stock_quantity") == before
            # oversold: the shop holds what the back office holds (out of stock, hidden)
            assert by_sku[oversold]["stock_quantity"] == -3
            assert by_sku[oversold]["catalog_visibility"] == "hidden"
            with sb.lock:  # the shop's own sales take it lower (no date_modified bump)
                sb.products[by_sku[oversold]["id"]]["stock_quantity"] = -4
            kb.set_stock(oversold, -4)  # ...and the back office books them
            await StockSync(ctx).run()
            assert sb.products[by_sku[oversold]["id"]]["stock_quantity"] == -4
            kb.set_stock(oversold, 6)  # restocked: 10 arrived
            await StockSync(ctx).run()
            assert sb.products[by_sku[oversold]["id"]]["stock_quantity"] == 6


async def test_two_back_office_products_with_one_sku_never_fight_over_a_shop_product(
    tmp_path: Path,
) -> None:
    """A second back-office id carrying a linked product's number is set aside.

    KORONA keeps numbers unique, but other back offices (and imports) don't:
    the twin is handed to the writer directly, as another adapter would stream it.
    """
    with sandboxes(products=60) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            first = _selling(kb)[0]
            twin = Product("twin-id", first, "Twin", price=Money.of("1.00", "EUR"))
            async with JobRun(ctx, "catalog", full=False, dry_run=False) as run:
                view = ShopView(run, ctx.prefs, build_index=False)
                writer = ProductWriter(run, CatalogDiff(), ctx.prefs, {}, view)
                await writer.apply([twin])
                assert "duplicate SKU" in writer.diff.of("skip")[0].reason
            skus = [p.get("sku") for p in sb.products.values()]
            assert skus.count(first) == 1
            link = await ctx.store.links.get_by_woo_id("product", sb.sku_index[first])
            assert link is not None and link.backoffice_id == kb.product(first)["id"]
