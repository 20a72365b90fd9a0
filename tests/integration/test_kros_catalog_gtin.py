"""KROS EAN codes → WooCommerce's GTIN field (``global_unique_id``), over loopback.

The first barcode of a stock card is written once; an unchanged code writes
nothing again; a code the shop refuses (another product holds it) is set
aside with a reason while the product itself still goes in; ``sync_gtin``
off sends none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.events import EventBus
from engine.store import MappingKind, StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.product_writes import GTIN
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import WooClient

from .kros_harness import TAX_CLASSES, KrosServers, kros_backend, kros_sandboxes
from .orders_harness import FAST_RETRY, WOO_KEY, WOO_SECRET

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with kros_sandboxes(products=6) as running:
        yield running


async def _context(servers: KrosServers, tmp_path: Path, prefs: CatalogPreferences) -> SyncContext:
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    backend = kros_backend(servers, catalog_reads="all")
    woo = WooClient(servers.woo_server.url, WOO_KEY, WOO_SECRET, retry=FAST_RETRY)
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    return SyncContext(
        connection="default", store=store, woo=woo, backend=backend, bus=EventBus(),
        prefs=prefs, stock_location_id=backend.locations.get(next(iter(backend.locations), None)),
    )  # fmt: skip


async def _close(ctx: SyncContext) -> None:
    await ctx.woo.aclose()
    await ctx.backend.aclose()
    await ctx.store.close()


def _shop(servers: KrosServers) -> dict[str, dict[str, Any]]:
    with servers.woo.lock:
        return {p.get("sku", ""): dict(p) for p in servers.woo.products.values()}


def _cards(servers: KrosServers) -> dict[str, str]:
    """itemCode -> EAN of the cards the catalog publishes."""
    return {i["itemCode"]: i["eanCode"] for i in servers.kb.items if i["markedForEshop"]}


async def test_the_ean_is_written_once_as_gtin_and_an_unchanged_code_writes_nothing(
    servers, tmp_path: Path
) -> None:
    ctx = await _context(servers, tmp_path, CatalogPreferences())
    try:
        first = await CatalogSync(ctx).run()
        cards, shop = _cards(servers), _shop(servers)
        assert cards and first.totals.written == len(cards) and first.totals.failed == 0
        assert {sku: shop[sku].get("global_unique_id") for sku in cards} == cards
        again = await CatalogSync(ctx).run()
        assert again.totals.written == 0 and again.totals.unchanged == len(cards)
    finally:
        await _close(ctx)


async def test_a_changed_ean_is_written_again(servers, tmp_path: Path) -> None:
    ctx = await _context(servers, tmp_path, CatalogPreferences())
    try:
        await CatalogSync(ctx).run()
        sku = next(iter(_cards(servers)))
        servers.kb.touch_item(sku, eanCode="8590000000017")
        report = await CatalogSync(ctx).run()
        assert report.totals.written == 1
        assert _shop(servers)[sku]["global_unique_id"] == "8590000000017"
    finally:
        await _close(ctx)


async def test_a_gtin_held_by_another_product_is_set_aside_and_the_product_still_goes_in(
    servers, tmp_path: Path
) -> None:
    ctx = await _context(servers, tmp_path, CatalogPreferences())
    try:
        sku, ean = next(iter(_cards(servers).items()))
        other = await ctx.woo.post("products", {"name": "Hand-made", "global_unique_id": ean})
        report = await CatalogSync(ctx).run()
        shop = _shop(servers)
        assert report.totals.failed == 0 and report.totals.written == len(_cards(servers))
        assert shop[sku].get("global_unique_id", "") == ""  # in the shop, without the code
        aside = await ctx.store.skipped.entries(GTIN, connection="default")
        assert [e.key for e in aside] == [sku]
        assert ean in aside[0].reason and str(other["id"]) in aside[0].reason
        again = await CatalogSync(ctx).run()
        assert again.totals.written == 0  # not offered again until the admin retries it
    finally:
        await _close(ctx)


async def test_sync_gtin_off_sends_no_code(servers, tmp_path: Path) -> None:
    ctx = await _context(servers, tmp_path, CatalogPreferences(sync_gtin=False))
    try:
        await CatalogSync(ctx).run()
        shop = _shop(servers)
        assert all(not shop[sku].get("global_unique_id") for sku in _cards(servers))
    finally:
        await _close(ctx)
