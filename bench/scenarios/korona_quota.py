"""KORONA: the initial sync and a quiet day under a daily request quota.

KORONA answers ``429 DAILY_LIMIT_EXCEEDED`` once an account has spent its
daily request quota; the number is not published [I] (reference §1), so
the sandbox's ``daily_limit`` knob is set from the work itself: a quota is a
count, not a rate, so the *floor* of a sync under it is its minimum
requests ``M`` (÷ the quota per day, which cancels in the ratio) and the
row's ratio is the requests made ÷ ``M``.  The initial sync runs under a
quota of ``⌈1.1 × M⌉`` (the target): spending more would meet the 429.

``M`` for the initial sync is the account's data read once in pages of 100
(the adapter's page size; KORONA's maximum is not published [I]): products,
commodity groups and the warehouse's stock rows, plus the price group,
whose net/gross flag decides every price.  A quiet day is the default
schedules with nothing changed in KORONA: the catalog job every 10 minutes
(144 runs; floor: one change-feed read of products and of commodity groups,
and the price group) and the stock job every 3 minutes (480 runs; floor:
one change-feed read of the stock rows).  The first stock run after the
initial sync is counted too: the snapshot leaves the stock job the revision
it began at, so with nothing changed it reads one page (it read every stock
page again before).

tillsync is wired by the runtime's ``build_connection`` from an admin's
config (``bench.tillsync_side.connect``); the sandboxes run in threads of
this process (real loopback sockets) and the shop at time scale 0: what is
measured is KORONA's side.

    python -m bench.run --only korona_quota
"""

from __future__ import annotations

import asyncio
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.report import Row, Target
from bench.settings import BenchSettings

__all__ = ["minimum_requests", "run"]

PRODUCTS, CATEGORIES = 10_000, 300
PAGE = 100
TARGET_RATIO = 1.10
CATALOG_RUNS, STOCK_RUNS = 144, 480  # a day of the default schedules (10 and 3 minutes)


def minimum_requests(totals: dict[str, int]) -> int:
    """Pages of 100 of every list the initial sync needs, plus the price group."""
    return sum(math.ceil(n / PAGE) for n in totals.values()) + 1


def _account_totals(url: str) -> dict[str, int]:
    """``resultsTotal`` of each list the sync reads (asked before the measured runs)."""
    from sandbox import korona as kor

    base = f"{url}/web/api/v3/accounts/{kor.DEFAULT_ACCOUNT_ID}"
    paths = {
        "products": "products",
        "commodity_groups": "commodityGroups",
        "stock_rows": f"organizationalUnits/{kor.ORG_WAREHOUSE_ID}/productStocks",
    }
    auth = (kor.DEFAULT_USER, kor.DEFAULT_PASSWORD)
    with httpx.Client(base_url=base, auth=auth, timeout=60) as client:
        return {
            key: int(client.get(path, params={"size": 1}).json()["resultsTotal"])
            for key, path in paths.items()
        }


def _spent(kb: Any) -> dict[str, Any]:
    snap = kb.stats.snapshot()
    return {"requests": snap["total"], "by_route": snap["requests"],
            "daily_limit_429": snap["faults"].get("daily", 0)}  # fmt: skip


async def _job(payload: dict[str, Any], kb: Any, job: str, quota: int | None) -> dict[str, Any]:
    """One job run on a fresh quota day (the counters restart); KORONA's side counted."""
    from bench.tillsync_side import connect
    from engine.sync.catalog import CatalogSync
    from engine.sync.stock import StockSync

    kb.stats.reset()
    kb.knobs.update(daily_limit=quota)
    async with connect(payload) as ctx:
        started = time.monotonic()
        report = await (CatalogSync(ctx) if job == "catalog" else StockSync(ctx)).run()
        wall = time.monotonic() - started
        woo_writes, woo_requests = ctx.woo.stats.writes, ctx.woo.stats.total
    return {"wall_s": round(wall, 3), **_spent(kb), "written": report.totals.written,
            "failed": report.totals.failed, "woo_writes": woo_writes,
            "woo_requests": woo_requests,
            "loadavg": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


async def _measure(payload: dict[str, Any], kb: Any, quota: int) -> dict[str, Any]:
    runs = {"initial": await _job(payload, kb, "catalog", quota)}
    runs["first_stock"] = await _job(payload, kb, "stock", None)  # from the snapshot's cursor
    runs["catalog_noop"] = await _job(payload, kb, "catalog", None)
    runs["stock_noop"] = await _job(payload, kb, "stock", None)
    return runs


def _rows(runs: dict[str, Any], totals: dict[str, int], minimum: int, quota: int) -> list[Row]:
    initial, catalog, stock = runs["initial"], runs["catalog_noop"], runs["stock_noop"]
    first_stock = runs["first_stock"]
    ratio = initial["requests"] / minimum
    day = CATALOG_RUNS * catalog["requests"] + STOCK_RUNS * stock["requests"]
    day_floor = CATALOG_RUNS * 3 + STOCK_RUNS * 1
    details = {"totals": totals, "quota_for_initial": quota, "runs": runs,
               "day": {"catalog_runs": CATALOG_RUNS, "stock_runs": STOCK_RUNS,
                       "requests": day, "floor": day_floor}}  # fmt: skip
    return [
        Row(
            scenario="korona_quota",
            title=(
                f"KORONA initial sync, {totals['products']:,} products, under a daily quota "
                f"of {quota:,} (1.1 × its floor): {ratio:.2f}× the floor; the first stock "
                f"run after it {first_stock['requests']} request(s)"
            ),
            tillsync_s=initial["wall_s"],
            requests=initial["requests"],
            min_requests=minimum,
            targets=(
                Target("requests ≤ 1.1 × the floor", TARGET_RATIO, round(ratio, 3), unit="×"),
                Target("DAILY_LIMIT_EXCEEDED met", 0, initial["daily_limit_429"]),
                Target("items not written", 0, initial["failed"]),
                Target("first stock run's requests, nothing changed", 2, first_stock["requests"]),
            ),
            details=details,
        ),
        Row(
            scenario="korona_quota",
            title=(
                f"KORONA quiet day at the default schedules ({CATALOG_RUNS} catalog + "
                f"{STOCK_RUNS} stock runs): {day:,} requests, {day / day_floor:.2f}× the floor"
            ),
            tillsync_s=catalog["wall_s"],
            requests=catalog["requests"] + stock["requests"],
            min_requests=3 + 1,
            targets=(
                Target(
                    "requests ≤ 1.1 × the floor", TARGET_RATIO, round(day / day_floor, 3), unit="×"
                ),
                Target("writes in a no-change run", 0, catalog["woo_writes"] + stock["woo_writes"]),
            ),
            details={"catalog_noop": catalog, "stock_noop": stock},
        ),
    ]


def run(
    settings: BenchSettings | None = None, products: int = PRODUCTS, categories: int = CATEGORIES
) -> list[Row]:
    from bench.shops import WOO_KEY, WOO_SECRET, korona_account
    from sandbox import korona as kor
    from sandbox.server import start_server
    from sandbox.woocommerce import WooSandbox, create_app

    kb = korona_account(products, categories)
    korona = start_server(kor.create_app(kb))
    woo = start_server(create_app(WooSandbox(WOO_KEY, WOO_SECRET)))
    folder = Path(tempfile.mkdtemp(prefix="bench-korona-quota-"))
    payload = {"korona_url": korona.url, "woo_url": woo.url, "state_db": str(folder / "state.db")}
    try:
        totals = _account_totals(korona.url)
        minimum = minimum_requests(totals)
        quota = math.ceil(TARGET_RATIO * minimum)
        runs = asyncio.run(_measure(payload, kb, quota))
    finally:
        korona.stop()
        woo.stop()
    return _rows(runs, totals, minimum, quota)
