"""A small host behind a rate limiter: does tillsync find the right pace by itself?

The store has ``throttle_workers`` PHP workers on 2 cores and, in front of
it, a token bucket (like nginx ``limit_req`` or a WAF) admitting
``throttle_rps_share`` of the requests per second the workers could serve
in full create batches, with a burst of 2; beyond that it answers 429 with
``Retry-After``.  tillsync runs with its defaults (no tuning): the
WooCommerce client's AdaptiveLimiter has to find the pace from the answers.

The catalog is large enough that the job makes at least 300 requests, so
that one 429 is a third of a percent and the share means something.

The host's maximum write throughput is then the rate limit's (the lower of
the two).  The floor of the whole job under this host is the larger of the
workers' floor and the time the bucket needs to admit the fewest requests
the job can make; achieved throughput is that floor over tillsync's time.
"""

from __future__ import annotations

from typing import Any

from bench.hostfloor import BATCH_LIMIT, HostPlan, parallelism
from bench.procs import run_child
from bench.report import Row, Target, ratio
from bench.scenarios.shop_pair import ShopPair, woo_requests
from bench.settings import BenchSettings
from bench.shops import category_levels
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


def run(settings: BenchSettings) -> list[Row]:
    model = _host(settings)
    with ShopPair(
        settings.throttled, settings.categories, model, profile_dir=settings.profile_dir
    ) as shops:
        measured = run_child("bench.tillsync_side:catalog_run", shops.payload())
        woo = woo_requests(shops.woo_stats(reset=True))
        in_shop = shops.shop_count("products")
    naive = _baseline(settings, model)
    plan = HostPlan(creates=[*category_levels(settings.categories), in_shop], page_reads=[0, 0])
    floor = _floor(model, plan)
    wall = measured["result"]["wall_s"]
    unwritten = measured["result"]["totals"]["failed"]
    share_429 = woo["served_429"] / max(1, woo["total"])
    naive_429 = naive["woo"]["served_429"] / max(1, naive["woo"]["total"])
    return [
        Row(
            scenario="throttled",
            title=(
                f"{settings.throttle_workers} workers + {model.rate_limit_rps:g} req/s limiter, "
                f"{settings.throttled:,} products"
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
                "woo": woo,
                "tillsync": measured,
                "baseline": naive,
            },
        )
    ]
