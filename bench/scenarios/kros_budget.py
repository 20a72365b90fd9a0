"""KROS: the initial sync and a no-change run under KROS's 10 requests/s and 300/min.

KROS answers 429 over either limit, per token (reference §1 [V3]); the
sandbox counts arrivals in sliding windows the same way.  The *floor* is
the earliest the last of ``N`` requests can go with instant answers: ten a
second, and after every 300 a wait until the first of them is a minute old
(``60 × ⌊(N − 1) / 300⌋ + ⌊((N − 1) mod 300) / 10⌋`` seconds), ``N`` being
the minimum requests: one read of the stock cards in pages of 100
(``Top`` ≤ 100 [V3]; a list ends at a short page, so a full last page needs
one more) gives products, prices and stock alike.  A no-change run's
minimum is one page of the cards changed since the cursor.  The adapter
reads a page ahead (KROS sends no total), so one request past the short
page is allowed for.

The company's cards were edited over time (the bench spreads their change
timestamps over the past days; seeded at one instant, every card would be
"changed" at the cursor's second).  Between runs the sandbox's windows are
cleared: a scheduled run comes minutes later.  The adapter has its default
settings (``catalog_reads = "changed"``, its own pacing); the shop runs at
time scale 0, so what is measured is KROS's side.  Sandboxes run in threads
of this process over real loopback sockets.

    python -m bench.run --only kros_budget
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.report import Row, Target
from bench.settings import BenchSettings

__all__ = ["floor_s", "minimum_requests", "run"]

PRODUCTS = 20_000
PER_SECOND, PER_MINUTE, PAGE = 10, 300, 100
TARGET_RATIO = 1.10
TAX_CLASSES = {"23": "", "19": "reduced-rate", "5": "zero-rate"}


def floor_s(requests: int) -> float:
    """Seconds from the first to the last of ``requests`` at 10/s and 300/min."""
    last = max(0, requests - 1)
    return 60.0 * (last // PER_MINUTE) + (last % PER_MINUTE) // PER_SECOND


def minimum_requests(cards: int) -> int:
    return cards // PAGE + 1  # the last page is short (or empty) so the end is seen


def _spread_changes(kb: Any) -> None:
    """Card i last edited i minutes before the newest: a company's history, not one instant."""
    from sandbox.kros.company import kros_timestamp

    newest = datetime.now(UTC) - timedelta(hours=1)
    with kb.lock:
        for i, item in enumerate(reversed(kb.items)):
            item["catalogItemChangedTimestamp"] = kros_timestamp(newest - timedelta(minutes=i))


async def _job(kb: Any, ctx_args: dict[str, Any], job: str) -> dict[str, Any]:
    """One job run with a fresh adapter and clear windows; KROS's side counted."""
    from engine.backends.kros import KrosBackend, KrosSettings
    from engine.events import EventBus
    from engine.sync.catalog import CatalogSync
    from engine.sync.context import SyncContext
    from engine.sync.stock import StockSync
    from engine.sync.woo_fields import CatalogPreferences
    from sandbox import kros
    from sandbox.kros.limits import RateWindow

    kb.rate = RateWindow()  # the next scheduled run comes minutes later
    before, refused = kb.stats.requests, kb.stats.statuses.get(429, 0)
    settings = KrosSettings(base_url=ctx_args["kros_url"], token=kros.DEFAULT_TOKEN, warehouse="HS")
    backend = KrosBackend(settings)
    woo, store = ctx_args["woo"], ctx_args["store"]
    writes, woo_before = woo.stats.writes, woo.stats.total
    ctx = SyncContext("default", store, woo, backend, EventBus(),
                      CatalogPreferences(new_products_status="publish"),
                      stock_location_id="HS")  # fmt: skip
    try:
        started = time.monotonic()
        report = await (CatalogSync(ctx) if job == "catalog" else StockSync(ctx)).run()
        wall = time.monotonic() - started
    finally:
        await backend.aclose()
    requests = kb.stats.requests - before
    return {"wall_s": round(wall, 3), "requests": requests, "floor_s": floor_s(requests),
            "answered_429": kb.stats.statuses.get(429, 0) - refused,
            "written": report.totals.written, "failed": report.totals.failed,
            "woo_writes": woo.stats.writes - writes, "woo_requests": woo.stats.total - woo_before,
            "loadavg": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


async def _measure(kb: Any, kros_url: str, woo_url: str) -> dict[str, Any]:
    from bench.shops import WOO_KEY, WOO_SECRET
    from engine.store import MappingKind, StateStore
    from engine.woo import WooClient

    folder = Path(tempfile.mkdtemp(prefix="bench-kros-budget-"))
    store = await StateStore.open(folder / "state.db")
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    woo = WooClient(woo_url, WOO_KEY, WOO_SECRET)
    ctx_args = {"kros_url": kros_url, "woo": woo, "store": store}
    try:
        runs = {"initial": await _job(kb, ctx_args, "catalog")}
        runs["first_stock"] = await _job(kb, ctx_args, "stock")
        runs["catalog_noop"] = await _job(kb, ctx_args, "catalog")
        runs["stock_noop"] = await _job(kb, ctx_args, "stock")
    finally:
        await woo.aclose()
        await store.close()
    return runs


def _row(title: str, measured: dict[str, Any], minimum: int, extra: dict[str, Any]) -> Row:
    floor = floor_s(minimum)
    ratio = measured["wall_s"] / floor if floor else float("inf")
    targets = [Target("429 answers met", 0, measured["answered_429"]),
               Target("items not written", 0, measured["failed"])]  # fmt: skip
    if floor:
        targets[:0] = [Target("time ≤ 1.1 × the budget's floor", TARGET_RATIO,
                              round(ratio, 3), unit="×"),
                       Target("requests ≤ the minimum + 1 (one page read ahead past the end)",
                              minimum + 1, measured["requests"])]  # fmt: skip
    else:  # one request's worth: no time to speak of, the count is the budget
        spent = measured["requests"] / minimum
        targets[:0] = [Target("requests ≤ 1.1 × the minimum", TARGET_RATIO, spent, unit="×"),
                       Target("writes in a no-change run", 0, measured["woo_writes"])]  # fmt: skip
    return Row(
        scenario="kros_budget",
        title=title + (f": {ratio:.2f}× the floor ({floor:g} s)" if floor else ""),
        tillsync_s=measured["wall_s"],
        requests=measured["requests"],
        min_requests=minimum,
        targets=tuple(targets),
        details={"floor_s": floor, **extra},
    )


def run(settings: BenchSettings | None = None, products: int = PRODUCTS) -> list[Row]:
    from bench.shops import WOO_KEY, WOO_SECRET
    from sandbox import kros
    from sandbox.server import start_server
    from sandbox.woocommerce import WooSandbox, create_app

    kb = kros.KrosSandbox()
    kb.seed(products=products)
    _spread_changes(kb)
    kros_server = start_server(kros.create_app(kb))
    woo_server = start_server(create_app(WooSandbox(WOO_KEY, WOO_SECRET)))
    try:
        runs = asyncio.run(_measure(kb, f"{kros_server.url}{kros.API_BASE}", woo_server.url))
    finally:
        kros_server.stop()
        woo_server.stop()
    cards, noop = len(kb.items), runs["catalog_noop"]
    budget = f"at {PER_SECOND}/s and {PER_MINUTE}/min"
    return [
        _row(
            f"KROS initial sync, {cards:,} stock cards {budget}",
            runs["initial"],
            minimum_requests(cards),
            {"runs": runs},
        ),
        _row(
            f"KROS catalog run with nothing changed {budget}: {noop['woo_writes']} writes",
            noop,
            1,
            {"stock_noop": runs["stock_noop"]},
        ),
    ]
