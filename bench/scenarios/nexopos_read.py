"""NexoPOS: the cheap full read of 10,000 products under the 80 requests/minute budget.

NexoPOS has no change feed, so every catalog run reads two CRUD namespaces
page by page (``ns.products``, ``ns.products-units``) plus the category list.
The budget decides the time: the *floor* is what 80 requests per window
allow at best for the requests the read needs (the first 80 at once, then 80
per window: ``⌊(N − 1) / 80⌋`` windows).  It runs at real speed - the
window is NexoPOS's real minute, whatever the run's ``time_scale`` - because
scaling the window down would scale the budget but not the time each page
takes to serve; the sandbox throttles like NexoPOS (80 per minute per token,
over the limit a 500 "Too Many Attempts.").

Then the engine's catalog job runs twice against the WooCommerce sandbox
(the first run, unbudgeted, only sets the shop up): the second one, with
nothing changed, reports its requests to NexoPOS and its writes to the shop.
Sandboxes run in threads of this process (their loopback sockets are real).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.report import Row, Target
from bench.settings import BenchSettings

__all__ = ["run"]

PRODUCTS = 10_000
BUDGET = 80
TARGET_RATIO = 1.10
CATALOG_TOKEN = "7|bench-catalog-token"
WOO_KEY = "ck_bench_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_bench_fedcba9876543210fedcba9876543210"


def _floor_s(requests: int, window: float) -> float:
    return ((requests - 1) // BUDGET) * window


async def _full_read(url: str, window: float) -> dict[str, Any]:
    from engine.backends.nexopos import NexoposBackend, NexoSettings
    from sandbox.nexopos import ids

    settings = NexoSettings(url, ids.TOKEN, requests_per_minute=BUDGET, rate_window=window)
    backend = NexoposBackend(settings)
    try:
        started = time.monotonic()
        categories = [c async for page in backend.read_categories() for c in page.items]
        products = [p async for page in backend.read_products() for p in page.items]
        wall = time.monotonic() - started
    finally:
        await backend.aclose()
    return {"wall_s": round(wall, 3), "requests": backend.stats.total,
            "retries": backend.stats.retries, "products": len(products),
            "categories": len(categories)}  # fmt: skip


async def _no_op_run(nexo: Any, nexo_url: str, woo_url: str, window: float) -> dict[str, Any]:
    from engine.backends.nexopos import NexoposBackend, NexoSettings
    from engine.events import EventBus
    from engine.store import MappingKind, StateStore
    from engine.sync.catalog import CatalogSync
    from engine.sync.context import SyncContext
    from engine.sync.woo_fields import CatalogPreferences
    from engine.woo import WooClient
    from sandbox.nexopos import ids

    nexo.add_token(CATALOG_TOKEN, ids.ADMIN_USER)  # its own throttle counter
    folder = Path(tempfile.mkdtemp(prefix="bench-nexopos-"))
    store = await StateStore.open(folder / "state.db")
    for tax in (ids.TAX_STANDARD, ids.TAX_REDUCED, ids.TAX_ZERO):
        await store.mappings.set(MappingKind.TAX_CLASS, str(tax), "")
    woo = WooClient(woo_url, WOO_KEY, WOO_SECRET)
    result: dict[str, Any] = {}
    try:
        for phase, limit in (("setup", 10_000), ("no_op", BUDGET)):
            nexo.knobs.rate_limit = None if phase == "setup" else BUDGET  # set-up: unmeasured
            settings = NexoSettings(
                nexo_url, CATALOG_TOKEN, requests_per_minute=limit, rate_window=window
            )
            backend = NexoposBackend(settings)
            prefs = CatalogPreferences(new_products_status="publish")
            ctx = SyncContext("default", store, woo, backend, EventBus(), prefs, "store")
            before = woo.stats.total
            started = time.monotonic()
            report = await CatalogSync(ctx).run()
            result[phase] = {
                "wall_s": round(time.monotonic() - started, 3),
                "nexopos_requests": backend.stats.total,
                "woo_requests": woo.stats.total - before,
                "written": report.totals.written,
                "failed": report.totals.failed,
            }
            await backend.aclose()
    finally:
        await woo.aclose()
        await store.close()
    return result


def run(settings: BenchSettings) -> list[Row]:
    from sandbox.nexopos import NexoSandbox, create_app, seed_store
    from sandbox.server import start_server
    from sandbox.woocommerce import WooSandbox
    from sandbox.woocommerce import create_app as create_woo_app

    window = 60.0  # the real budget: see the module docstring
    nexo = seed_store(NexoSandbox(), products=PRODUCTS)
    nexo.knobs.rate_limit, nexo.knobs.rate_window = BUDGET, window
    woo = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    nexo_server, woo_server = start_server(create_app(nexo)), start_server(create_woo_app(woo))
    try:
        read = asyncio.run(_full_read(nexo_server.url, window))
        catalog = asyncio.run(_no_op_run(nexo, nexo_server.url, woo_server.url, window))
    finally:
        nexo_server.stop()
        woo_server.stop()
    floor = _floor_s(read["requests"], window)
    ratio = read["wall_s"] / floor if floor else float("inf")
    no_op = catalog["no_op"]
    return [
        Row(
            scenario="nexopos_read",
            title=(
                f"NexoPOS full read, {PRODUCTS:,} products at 80 req/min: {ratio:.2f}× the "
                f"budget's floor; a no-change catalog run: {no_op['nexopos_requests']} NexoPOS "
                f"requests, {no_op['written']} writes"
            ),
            tillsync_s=read["wall_s"],
            requests=read["requests"],
            targets=(
                Target(
                    "full read ≤ 1.1 × the 80/min budget's floor",
                    TARGET_RATIO,
                    round(ratio, 3),
                    unit="×",
                ),
                Target("over-limit answers met", 0, read["retries"]),
                Target("writes in a no-change run", 0, no_op["written"]),
            ),
            details={"window_s": window, "floor_s": floor, "read": read, "catalog": catalog},
        )
    ]
