"""Reconcile: a day with 2,000 booked web orders reads each side once.

WooCommerce holds N completed orders of the day, KORONA their N receipts
(booked through the adapter, as the orders job does).  The reconcile's
orders-and-money pass then runs alone (no catalog pass): what is measured is
its requests to each side against the pages a single paged read needs
(``⌈N / 100⌉`` orders pages; ``⌈N / page size⌉`` receipt pages, +1 for the
page that says nothing follows, +1 to resolve the point of sale), its wall
time, and that a clean day reports 0 differences.  Sandboxes run in threads
of this process (their loopback sockets are real).
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import Row, Target
from bench.settings import BenchSettings

__all__ = ["run"]

ORDERS = 2_000
PAGE = 100
WOO_KEY = "ck_bench_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_bench_fedcba9876543210fedcba9876543210"


async def _setup(ctx: Any, woo: Any, kor: Any) -> None:
    """Tax classes and payment mapped, the catalog synced (the shop gets KORONA's SKUs)."""
    from engine.store import MappingKind
    from engine.sync.catalog import CatalogSync

    for sector in (kor.SECTOR_STANDARD_ID, kor.SECTOR_REDUCED_ID, kor.SECTOR_FREE_ID):
        await ctx.store.mappings.set(MappingKind.TAX_CLASS, sector, "")
    await ctx.store.mappings.set(MappingKind.PAYMENT, "bacs", kor.PAYMENT_WEBSHOP_ID)
    await CatalogSync(ctx).run()


async def _book_day(ctx: Any, sb: Any, orders: int, kor: Any) -> None:
    """N completed orders in the shop, each booked once in KORONA through the adapter."""
    from engine.backends import IdempotencyKey
    from engine.sync.orders.mapping import order_from_woo

    with sb.lock:
        products = [
            pid for pid, p in sorted(sb.products.items())
            if p.get("sku") and p.get("status") == "publish"
            and p.get("type", "simple") == "simple" and p.get("regular_price")
        ]  # fmt: skip
    for pid in products:
        sb.edit_product(pid, {"stock_quantity": orders * 2})
    for n in range(orders):
        placed = sb.place_order([(products[n % len(products)], 1)], status="completed")
        order = order_from_woo(await ctx.woo.get_order(placed["id"]))
        paid = replace(order.payment, backoffice_method_id=kor.PAYMENT_WEBSHOP_ID)
        await ctx.backend.create_sale(replace(order, payment=paid), IdempotencyKey("bench", n))


async def _measure(woo_url: str, korona_url: str, kb: Any, orders: int) -> dict[str, Any]:
    from engine.backends.korona import KoronaBackend, KoronaSettings
    from engine.events import EventBus
    from engine.reconcile import Reconciliation, days
    from engine.store import StateStore
    from engine.sync.context import SyncContext
    from engine.sync.orders.rules import OrderRules
    from engine.sync.woo_fields import CatalogPreferences
    from engine.woo import WooClient
    from sandbox import korona as kor

    settings = KoronaSettings(
        base_url=f"{korona_url}/web/api/v3", account_id=kor.DEFAULT_ACCOUNT_ID,
        user=kor.DEFAULT_USER, password=kor.DEFAULT_PASSWORD,
        price_group=kor.PRICE_GROUP_WEBSHOP_ID, warehouse_id=kor.ORG_WAREHOUSE_ID,
        point_of_sale_id=kor.POS_WEBSHOP_ID, coupling_id="bench-reconcile", page_size=PAGE,
    )  # fmt: skip
    store = await StateStore.open(Path(tempfile.mkdtemp(prefix="bench-reconcile-")) / "s.db")
    woo, backend = WooClient(woo_url, WOO_KEY, WOO_SECRET), KoronaBackend(settings)
    prefs = CatalogPreferences(new_products_status="publish")
    ctx = SyncContext("default", store, woo, backend, EventBus(), prefs)
    try:
        await _setup(ctx, woo, kor)
        return await _day(ctx, kb, orders, kor, Reconciliation, days, OrderRules)
    finally:
        await woo.aclose()
        await backend.aclose()
        await store.close()


async def _day(ctx: Any, kb: Any, orders: int, kor: Any, *engine: Any) -> dict[str, Any]:
    reconciliation, days, rules = engine
    await _book_day(ctx, kb, orders, kor)
    today = datetime.now(UTC).date()
    woo_before, korona_before = ctx.woo.stats.total, ctx.backend.stats.total
    started = time.monotonic()
    report = await reconciliation(ctx, rules(), UTC).run(days(today, today, UTC))
    return {
        "wall_s": round(time.monotonic() - started, 3),
        "woo_requests": ctx.woo.stats.total - woo_before,
        "korona_requests": ctx.backend.stats.total - korona_before,
        "orders_read": report.orders_read, "sales_read": report.sales_read,
        "differences": len(report.real), "rounding": len(report.rounding),
    }  # fmt: skip


def run(settings: BenchSettings | None = None, *, orders: int = ORDERS) -> list[Row]:
    from sandbox import korona as kor
    from sandbox.server import start_server
    from sandbox.woocommerce import WooSandbox, create_app

    kb = kor.KoronaSandbox()
    kb.seed_demo(products=12, rng_seed=7, customers=0)
    sb = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    korona_server, woo_server = start_server(kor.create_app(kb)), start_server(create_app(sb))
    try:
        measured = asyncio.run(_measure(woo_server.url, korona_server.url, sb, orders))
    finally:
        korona_server.stop()
        woo_server.stop()
    pages = math.ceil(orders / PAGE)
    return [
        Row(
            scenario="reconcile_day",
            title=(
                f"Reconcile a day of {orders:,} booked orders (KORONA): "
                f"{measured['woo_requests']} WooCommerce and {measured['korona_requests']} KORONA "
                f"requests, {measured['differences']} differences"
            ),
            tillsync_s=measured["wall_s"],
            requests=measured["woo_requests"] + measured["korona_requests"],
            targets=(
                Target(
                    "WooCommerce requests ≤ one paged read", pages + 1, measured["woo_requests"]
                ),
                Target("KORONA requests ≤ one paged read", pages + 2, measured["korona_requests"]),
                Target("differences on a clean day", 0, measured["differences"]),
            ),
            details=measured,
        )
    ]
