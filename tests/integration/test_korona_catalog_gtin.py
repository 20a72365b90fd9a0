"""KORONA barcodes → WooCommerce's GTIN field (``global_unique_id``), over loopback.

A product's first barcode shaped like a GTIN lands in the shop once; a
second run with nothing changed writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.sync.catalog import CatalogSync

from .sync_harness import engine_context, sandboxes

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def shop():
    with sandboxes(products=40) as servers:
        yield servers


async def test_the_first_barcode_becomes_the_gtin_once(shop, tmp_path: Path) -> None:
    kb, sb, korona_server, woo_server = shop
    async with engine_context(tmp_path, korona_server, woo_server) as ctx:
        first = await CatalogSync(ctx).run()
        assert first.totals.failed == 0 and first.totals.written > 0
        with sb.lock:
            shop_gtins = {p["sku"]: p.get("global_unique_id") for p in sb.products.values()}
        expected = {}
        for sku in shop_gtins:
            codes = kb.product(sku).get("codes") or []
            expected[sku] = codes[0]["productCode"] if codes else None
        assert all(expected.values()) and shop_gtins == expected
        second_barcodes = [s for s in shop_gtins if len(kb.product(s)["codes"]) > 1]
        assert second_barcodes  # the demo shop has some; only the first is the GTIN
        again = await CatalogSync(ctx).run(full=True)
        assert again.totals.written == 0 and again.totals.unchanged == len(shop_gtins)


async def test_a_gtin_changed_by_hand_in_the_shop_is_repaired_on_a_full_run(
    shop, tmp_path: Path
) -> None:
    kb, sb, korona_server, woo_server = shop
    async with engine_context(tmp_path, korona_server, woo_server) as ctx:
        await CatalogSync(ctx).run()
        with sb.lock:
            woo_id, sku = next((p["id"], p["sku"]) for p in sb.products.values())
        await ctx.woo.put(f"products/{woo_id}", {"global_unique_id": "0000000000000"})
        report = await CatalogSync(ctx).run(full=True)
        assert report.totals.written == 1
        with sb.lock:
            repaired = sb.products[woo_id]["global_unique_id"]
        assert repaired == kb.product(sku)["codes"][0]["productCode"]
