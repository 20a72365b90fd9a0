"""A small host behind a rate limiter: does tillsync find the right pace by itself?

The store has ``throttle_workers`` PHP workers on 2 cores and, in front of
it, a token bucket (like nginx ``limit_req`` or a WAF) admitting
``throttle_rps_share`` of the requests per second the workers could serve
in full create batches, with a burst of 2; beyond that it answers 429 with
``Retry-After``.  tillsync runs with its defaults (no tuning): the
WooCommerce client has to find the pace from the answers (its RatePacer
learns a request rate from the first 429s).

The catalog is large enough that the job makes at least 300 requests, so
that one 429 is a third of a percent and the share means something.

The host's maximum write throughput is then the rate limit's (the lower of
the two).  The floor of the whole job under this host is the larger of the
workers' floor and the time the bucket needs to admit the fewest requests
the job can make; achieved throughput is that floor over tillsync's time.

Two rows: the *first run* starts with an empty state database and has to
learn the rate from its first 429s; the *next run* (a fresh shop and
back office, so it does the same work) starts with the rate the first run
kept in its state database — copied under the new shop's host, since every
sandbox listens on a new port — as an install's next scheduled run does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from bench.hostfloor import BATCH_LIMIT, HostPlan, parallelism
from bench.procs import run_child
from bench.report import Row, Target, ratio
from bench.scenarios.shop_pair import ShopPair, woo_requests
from bench.settings import BenchSettings
from bench.shops import category_levels
from engine.store import StateStore
from engine.woo import api_base
from sandbox.woocommerce.hostmodel import HostModel, Operation

__all__ = ["run"]

BURST = 2
MIN_REQUESTS = 300


def _host(settings: BenchSettings) -> HostModel:
    base = settings.host_model(workers=settings.throttle_workers)
    full_batch = base.cost(Operation.BATCH, batch=(BATCH_LIMIT, 0, 0))
    rps = settings.throttle_rps_share * parallelism(base) / full_batch
    return base.patched({"rate_limit_rps": round(rps, 3), "rate_limit_burst": BURST})


def _floor(model: HostModel, plan: HostPlan) -> float:
    admitted = max(0, plan.min_requests() - BURST) / model.rate_limit_rps
    return max(plan.floor_s(model), admitted)


def _baseline(settings: BenchSettings, model: HostModel) -> dict[str, Any]:
    with ShopPair(
        settings.throttled, settings.categories, model, profile_dir=settings.profile_dir
    ) as shops:
        sample = run_child(
            "bench.baselines.naive:run", shops.payload(limit=settings.baseline_sample)
        )
        return {"sample": sample, "woo": woo_requests(shops.woo_stats())}


def _host_key(woo_url: str) -> str:
    """The key the WooCommerce client keeps its learned rate under (host:port)."""
    return httpx.URL(api_base(woo_url)).netloc.decode()


async def _stored_rate(state_db: str, host: str) -> tuple[float, float | None] | None:
    async with StateStore.open(Path(state_db)) as store:
        return await store.rates.load(host)


def _tillsync(
    settings: BenchSettings, model: HostModel, learned: tuple[float, float | None] | None
) -> dict[str, Any]:
    """One catalog run into a fresh shop; ``learned``: the rate its state database starts with."""
    with ShopPair(
        settings.throttled, settings.categories, model, profile_dir=settings.profile_dir
    ) as shops:
        host = _host_key(shops.woo_url)
        payload = shops.payload(**({"learned_rates": {host: learned}} if learned else {}))
        measured = run_child("bench.tillsync_side:catalog_run", payload)
        woo = woo_requests(shops.woo_stats(reset=True))
        in_shop = shops.shop_count("products")
        kept = asyncio.run(_stored_rate(payload["state_db"], host))
    return {
        "measured": measured,
        "woo": woo,
        "in_shop": in_shop,
        "started_at": learned,
        "learned": kept,
    }


def run(settings: BenchSettings) -> list[Row]:
    model = _host(settings)
    first = _tillsync(settings, model, None)
    following = _tillsync(settings, model, first["learned"])
    naive = _baseline(settings, model)
    return [
        _row(settings, model, first, naive, "first run, learns the rate"),
        _row(settings, model, following, naive, "next run, starts at the kept rate"),
    ]


def _row(
    settings: BenchSettings,
    model: HostModel,
    side: dict[str, Any],
    naive: dict[str, Any],
    what: str,
) -> Row:
    measured, woo = side["measured"], side["woo"]
    levels = [*category_levels(settings.categories), side["in_shop"]]
    plan = HostPlan(creates=levels, page_reads=[0, 0])
    floor = _floor(model, plan)
    wall = measured["result"]["wall_s"]
    unwritten = measured["result"]["totals"]["failed"]
    share_429 = woo["served_429"] / max(1, woo["total"])
    naive_429 = naive["woo"]["served_429"] / max(1, naive["woo"]["total"])
    return Row(
        scenario="throttled",
        title=(
            f"{settings.throttle_workers} workers + {model.rate_limit_rps:g} req/s limiter, "
            f"{settings.throttled:,} products, {what}"
        ),
        tillsync_s=wall,
        naive_note=f"{naive_429:.0%} of its requests got 429",
        requests=woo["total"],
        min_requests=plan.min_requests(),
        peak_rss_mb=measured["peak_rss_mb"],
        targets=(
            Target("≥ 90% of the host's max write throughput", 0.9, ratio(floor, wall), False),
            Target("< 1% of requests answered 429", 0.01, share_429),
            Target("every product written in the run", 0, unwritten),
            Target("≥ 300 requests (so 1 % is 3 answers)", MIN_REQUESTS, woo["total"], False),
        ),
        details={
            "host_model": model.__dict__,
            "floor_s": round(floor, 3),
            "rate_at_start": side["started_at"],
            "rate_kept": side["learned"],
            "woo": woo,
            "tillsync": measured,
            "baseline": naive,
        },
    )
