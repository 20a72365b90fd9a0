"""tillsync's side of a scenario, run inside a measured child process.

Wired by the runtime's own ``build_connection`` from a config file written
the way an admin writes one (only URLs, credentials, the KORONA ids and
``new_products_status = "publish"`` so the shop can sell what was synced):
a state store on a real file with production settings
(``synchronous=FULL``), the back-office adapter and the WooCommerce client
with their default retry and limiter settings, and a SyncContext with its
default write concurrency.  Nothing is tuned for the benchmark: the same
numbers an admin's install would see.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bench.shops import WOO_KEY, WOO_SECRET
from engine.config import ConnectionConfig, load_config
from engine.events import EventBus
from engine.runtime import build_connection
from engine.store import MappingKind, StateStore
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.stock import StockSync
from sandbox import korona as kor

__all__ = [
    "BatchTimeline",
    "catalog_run",
    "connect",
    "incremental_run",
    "profiled",
    "woo_numbers",
]

TAX_CLASSES = {
    kor.SECTOR_STANDARD_ID: "",
    kor.SECTOR_REDUCED_ID: "reduced-rate",
    kor.SECTOR_FREE_ID: "zero-rate",
}
PAYMENTS = {"bacs": kor.PAYMENT_WEBSHOP_ID, "cod": kor.PAYMENT_CASH_ID}


CONNECTION = "default"


def config_text(payload: dict[str, Any]) -> str:
    """The connection's config file, as an admin would write it."""
    engine = f"""
[engine]
state_db = "{payload["state_db"]}"
"""
    return engine + connection_tables(payload, CONNECTION, coupling_id="tillsync-bench")


def connection_tables(
    payload: dict[str, Any], connection: str, *, coupling_id: str | None = None
) -> str:
    """One connection's woo, backend and sync tables pointing at the bench's sandboxes
    (the catalog scenarios and the console's share them)."""
    coupling = f'coupling_id = "{coupling_id}"\n' if coupling_id else ""
    return f"""
[connections.{connection}.woo]
url = "{payload["woo_url"]}"
consumer_key = "{WOO_KEY}"
consumer_secret = "{WOO_SECRET}"

[connections.{connection}.backend]
type = "korona"
base_url = "{payload["korona_url"]}/web/api/v3"
account_id = "{kor.DEFAULT_ACCOUNT_ID}"
user = "{kor.DEFAULT_USER}"
password = "{kor.DEFAULT_PASSWORD}"
price_group = "{kor.PRICE_GROUP_WEBSHOP_ID}"
warehouse = "{kor.ORG_WAREHOUSE_ID}"
point_of_sale = "{kor.POS_WEBSHOP_ID}"
{coupling}
[connections.{connection}.sync]
new_products_status = "publish"
"""


def load_bench_config(payload: dict[str, Any]) -> ConnectionConfig:
    """Write the config file next to the state file and load it as the CLI does."""
    path = Path(payload["state_db"]).with_name("config.toml")
    path.write_text(config_text(payload), encoding="utf-8")
    path.chmod(0o600)
    return load_config(path).connections[CONNECTION]


@asynccontextmanager
async def connect(payload: dict[str, Any]) -> AsyncIterator[SyncContext]:
    """A SyncContext for the sandboxes named in ``payload`` (state file kept between runs)."""
    config = load_bench_config(payload)
    store = await StateStore.open(Path(payload["state_db"]))
    for host, (rate, ceiling) in payload.get("learned_rates", {}).items():  # a previous run's
        await store.rates.save(host, rate, ceiling)
    runtime = build_connection(CONNECTION, config, store, EventBus())
    for source, target in TAX_CLASSES.items():
        await store.mappings.set(MappingKind.TAX_CLASS, source, target)
    for gateway, method in PAYMENTS.items():
        await store.mappings.set(MappingKind.PAYMENT, gateway, method)
    try:
        yield runtime.ctx
    finally:
        await runtime.aclose()
        await store.close()


def woo_numbers(ctx: SyncContext) -> dict[str, int]:
    """What the WooCommerce client saw (the sandbox counts the same from its side)."""
    stats = ctx.woo.stats
    return {
        "requests": stats.total,
        "writes": stats.writes,
        "retries": stats.retries,
        "rate_limited": stats.rate_limited,
        "server_errors": stats.server_errors,
    }


async def profiled(
    work: Callable[[], Awaitable[Any]], profile_to: str | None
) -> tuple[Any, str | None]:
    """Run ``work``; under cProfile when ``profile_to`` names a file (stats + top 25 text)."""
    if not profile_to:
        return await work(), None
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        result = await work()
    finally:
        profiler.disable()
    profiler.dump_stats(profile_to)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    return result, text.getvalue()


class BatchTimeline:
    """When each WooCommerce batch call started and ended (seconds since ``start``).

    Wraps ``ctx.woo.batch`` on this one client instance: phases of a run
    (categories, the wait before the first product batch, the products, the
    tail) are where a gap to the host floor shows up.
    """

    def __init__(self, ctx: SyncContext) -> None:
        self.start = time.perf_counter()
        self.calls: list[tuple[float, float, str, int]] = []
        inner = ctx.woo.batch

        async def batch(resource: str, **ops: Any) -> Any:
            items = sum(len(ops.get(op, ())) for op in ("create", "update", "delete"))
            began = time.perf_counter() - self.start
            try:
                return await inner(resource, **ops)
            finally:
                self.calls.append((began, time.perf_counter() - self.start, resource, items))

        ctx.woo.batch = batch  # type: ignore[method-assign]

    def phases(self, end: float) -> dict[str, float]:
        cats = [c for c in self.calls if c[2] == "products/categories"]
        products = [c for c in self.calls if c[2] == "products"]
        phases = {"categories_end_s": max((c[1] for c in cats), default=0.0)}
        if products:
            first, last = min(c[0] for c in products), max(c[1] for c in products)
            busy = sum(c[1] - c[0] for c in products)
            phases.update(
                first_product_batch_s=first,
                last_product_batch_end_s=last,
                product_batches=len(products),
                mean_batches_in_flight=busy / max(last - first, 1e-9),
            )
        phases["job_end_s"] = end
        return {k: round(v, 3) for k, v in phases.items()}


def _totals(report: Any) -> dict[str, int]:
    t = report.totals
    return {
        "read": t.read,
        "written": t.written,
        "unchanged": t.unchanged,
        "skipped": t.skipped,
        "failed": t.failed,
    }


async def catalog_run(payload: dict[str, Any]) -> dict[str, Any]:
    """One catalog job run (``full`` as asked), timed from the job's start to its end."""
    async with connect(payload) as ctx:
        timeline = BatchTimeline(ctx)
        report, profile = await profiled(
            lambda: CatalogSync(ctx).run(full=bool(payload.get("full"))), payload.get("profile")
        )
        wall = time.perf_counter() - timeline.start
        return {
            "wall_s": round(wall, 3),
            "phases": timeline.phases(wall),
            "totals": _totals(report),
            "woo": woo_numbers(ctx),
            "requests_total": report.requests,
            "profile": profile,
        }


async def incremental_run(payload: dict[str, Any]) -> dict[str, Any]:
    """What the schedule does after back-office edits: the catalog job, then the stock job."""
    async with connect(payload) as ctx:

        async def both() -> tuple[Any, Any]:
            return await CatalogSync(ctx).run(), await StockSync(ctx).run()

        started = time.perf_counter()
        (catalog, stock), profile = await profiled(both, payload.get("profile"))
        wall = time.perf_counter() - started
        return {
            "wall_s": round(wall, 3),
            "catalog": _totals(catalog),
            "stock": _totals(stock),
            "woo": woo_numbers(ctx),
            "requests_total": catalog.requests + stock.requests,
            "profile": profile,
        }
