"""Initial catalog into an empty store, then a no-op resync; tillsync vs the naive script.

tillsync side: the catalog job into an empty store (categories, then
products with their stock), then the job again with nothing changed in
KORONA — the scheduled run, which reads KORONA's change feed since its
cursor — and once more with ``full=True`` (re-read both sides and compare
every product: what ``tillsync sync catalog --full`` does).  Baseline side,
on a fresh pair of sandboxes: the naive script, then the same script again.
"""

from __future__ import annotations

import math
from typing import Any

from bench.hostfloor import BATCH_LIMIT, HostPlan
from bench.procs import run_child
from bench.report import Row, Target, ratio
from bench.scenarios.shop_pair import ShopPair, woo_requests
from bench.settings import BenchSettings
from bench.shops import category_levels

__all__ = ["run"]

CATALOG = "bench.tillsync_side:catalog_run"
NAIVE = "bench.baselines.naive:run"


def _tillsync(settings: BenchSettings) -> dict[str, Any]:
    model = settings.host_model()
    with ShopPair(
        settings.catalog, settings.categories, model, profile_dir=settings.profile_dir
    ) as shops:
        initial = run_child(CATALOG, shops.payload())
        initial_stats = shops.woo_stats(reset=True)
        noop = run_child(CATALOG, shops.payload())
        noop_stats = shops.woo_stats(reset=True)
        full = run_child(CATALOG, shops.payload(full=True))
        full_stats = shops.woo_stats(reset=True)
        products = shops.shop_count("products")
    return {
        "initial": initial,
        "initial_woo": woo_requests(initial_stats),
        "noop": noop,
        "noop_woo": woo_requests(noop_stats),
        "full": full,
        "full_woo": woo_requests(full_stats),
        "products_in_shop": products,
    }


def _baseline(settings: BenchSettings) -> dict[str, Any]:
    with ShopPair(
        settings.catalog,
        settings.categories,
        settings.host_model(),
        profile_dir=settings.profile_dir,
    ) as shops:
        first = run_child(NAIVE, shops.payload())
        first_stats = shops.woo_stats(reset=True)
        rerun = run_child(NAIVE, shops.payload())
        rerun_stats = shops.woo_stats(reset=True)
    return {
        "first": first,
        "first_woo": woo_requests(first_stats),
        "rerun": rerun,
        "rerun_woo": woo_requests(rerun_stats),
    }


def _initial_row(settings: BenchSettings, ours: dict, theirs: dict) -> Row:
    model = settings.host_model()
    plan = HostPlan(
        creates=[*category_levels(settings.categories), ours["products_in_shop"]],
        page_reads=[0, 0],  # the empty store's products and categories, one page each
    )
    floor = plan.floor_s(model)
    wall = ours["initial"]["result"]["wall_s"]
    baseline = theirs["first"]["result"]["wall_s"]
    requests = ours["initial_woo"]["total"]
    minimum = plan.min_requests()
    return Row(
        scenario="catalog",
        title=f"initial catalog, {settings.catalog:,} products, {settings.categories} categories",
        tillsync_s=wall,
        baseline_s=baseline,
        requests=requests,
        min_requests=minimum,
        peak_rss_mb=ours["initial"]["peak_rss_mb"],
        targets=(
            Target("requests ≤ 1.05 × minimum", 1.05, ratio(requests, minimum), unit="×"),
            Target(f"wall ≤ 1.25 × host floor ({floor:.2f} s)", 1.25, ratio(wall, floor), unit="×"),
            Target(
                "≥ 5× faster than baseline", 5.0, ratio(baseline, wall), at_most=False, unit="×"
            ),
        ),
        details={
            "host_floor_s": round(floor, 3),
            "plan": plan.__dict__,
            "products_in_shop": ours["products_in_shop"],
            **_details(ours, theirs),
        },
    )


def _noop_row(settings: BenchSettings, ours: dict, theirs: dict, *, full: bool) -> Row:
    key = "full" if full else "noop"
    wall = ours[key]["result"]["wall_s"]
    baseline = theirs["rerun"]["result"]["wall_s"]
    writes = ours[f"{key}_woo"]["writes"]
    targets = [Target("0 writes", 0, writes)]
    if not full:
        speedup = ratio(baseline, wall)
        targets.append(Target("≥ 100× faster than baseline rerun", 100, speedup, False, "×"))
    title = f"no-op resync of the {settings.catalog:,}" + (" (--full compare)" if full else "")
    return Row(
        scenario="catalog",
        title=title,
        tillsync_s=wall,
        baseline_s=baseline,
        requests=ours[f"{key}_woo"]["total"],
        min_requests=math.ceil(ours["products_in_shop"] / BATCH_LIMIT) if full else 0,
        peak_rss_mb=ours[key]["peak_rss_mb"],
        targets=tuple(targets),
        details={key: ours[key], f"{key}_woo": ours[f"{key}_woo"], "baseline": theirs["rerun"]},
    )


def _details(ours: dict, theirs: dict) -> dict[str, Any]:
    initial = dict(ours["initial"])
    initial["result"] = {k: v for k, v in initial["result"].items() if k != "profile"}
    return {
        "tillsync": initial,
        "tillsync_woo": ours["initial_woo"],
        "baseline": theirs["first"],
        "baseline_woo": theirs["first_woo"],
        "profile": ours["initial"]["result"].get("profile"),
    }


def run(settings: BenchSettings) -> list[Row]:
    ours = _tillsync(settings)
    theirs = _baseline(settings)
    return [
        _initial_row(settings, ours, theirs),
        _noop_row(settings, ours, theirs, full=False),
        _noop_row(settings, ours, theirs, full=True),
    ]
