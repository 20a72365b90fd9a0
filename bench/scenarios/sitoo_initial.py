"""Sitoo: the initial read of 10,000 products (2,000 of them variants) under a request budget.

Sitoo answers 429 when an account spends its request budget too fast
(numbers and headers are not published [I]; the sandbox models ``BUDGET``
requests per ``WINDOW`` seconds and says when to come back in
``Retry-After``).  The initial sync reads the reference lists, the product
pages, the chosen price list's items, one ``productvariants`` per variant
family and the warehouse's stock pages.  The *floor* is the time the budget
allows at best for the requests that read needs: the first ``BUDGET`` at
once, then ``BUDGET`` per window (``⌊(N − 1) / BUDGET⌋`` windows), N being
the requests of a read with no 429 at all.  The row reports the measured
time as a ratio to that floor; the target is 1.15.

    python -m bench.scenarios.sitoo_initial          # writes bench/results/sitoo_initial.json
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from bench.report import RESULTS_DIR, Row, Target, render_table, row_json

__all__ = ["floor_s", "run"]


BUDGET, WINDOW = 200, 10.0
TARGET_RATIO = 1.15


def floor_s(requests: int, budget: int, window: float) -> float:
    return ((requests - 1) // budget) * window


def _seed(products: int, variant_every: int) -> Any:
    from sandbox import sitoo

    sb = sitoo.SitooSandbox()
    sitoo.seed(sb, products=products, variant_every=variant_every)
    return sb


async def _initial_read(sb: Any, url: str) -> dict[str, Any]:
    from engine.backends.sitoo import SitooBackend, SitooSettings
    from sandbox import sitoo

    settings = SitooSettings(
        base_url=f"{url}/v2/accounts/{sb.account_id}", api_id=sb.api_id, password=sb.password,
        warehouse_id=str(sitoo.WAREHOUSE_WEB), pricelist_id=str(sitoo.PRICELIST_WEBSHOP),
        timeout=60.0,
    )  # fmt: skip
    backend = SitooBackend(settings)
    try:
        started = time.monotonic()
        categories = [c async for page in backend.read_categories() for c in page.items]
        products = [p async for page in backend.read_products() for p in page.items]
        levels = [s async for page in backend.read_stock() for s in page.items]
        wall = time.monotonic() - started
    finally:
        await backend.aclose()
    variants = sum(len(p.variants) for p in products)
    return {"wall_s": round(wall, 3), "requests": backend.stats.total,
            "retries": backend.stats.retries, "products": len(products), "variants": variants,
            "categories": len(categories), "stock_rows": len(levels)}  # fmt: skip


def run(
    settings: Any = None, products: int = 8_000, variant_every: int = 8,
    budget: int = BUDGET, window: float = WINDOW,
) -> list[Row]:  # fmt: skip
    """``products`` rows seeded, every ``variant_every``-th one a family of three."""
    from sandbox import sitoo
    from sandbox.server import start_server

    sb = _seed(products, variant_every)
    server = start_server(sitoo.create_app(sb))
    try:
        free = asyncio.run(_initial_read(sb, server.url))  # no budget: the requests N
        sb.quota = sitoo.Quota(limit=budget, window=window)
        sb.requests.clear()
        budgeted = asyncio.run(_initial_read(sb, server.url))
        refused = sb.quota.refused
    finally:
        server.stop()
    floor = floor_s(free["requests"], budget, window)
    rows_total = len(sb.products)
    ratio = budgeted["wall_s"] / floor if floor else float("inf")
    row = Row(
        scenario="sitoo_initial",
        title=f"Sitoo initial read, {rows_total:,} products ({rows_total - products:,} variants), "
        f"budget {budget}/{window:g} s",
        tillsync_s=budgeted["wall_s"],
        requests=budgeted["requests"],
        min_requests=free["requests"],
        targets=(Target("time / budget floor", TARGET_RATIO, round(ratio, 3), unit="×"),),
        details={
            "unbudgeted": free,
            "budgeted": budgeted,
            "floor_s": floor,
            "refused_429": refused,
            "budget": budget,
            "window_s": window,
        },
    )
    return [row]


def main() -> int:
    rows = run()
    (RESULTS_DIR / "sitoo_initial.json").write_text(
        json.dumps({"scenario": "sitoo_initial", "rows": [row_json(r) for r in rows]}, indent=2)
    )
    print(render_table(rows))
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
