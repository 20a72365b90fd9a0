"""Initial catalog into an empty store, then a no-op resync; tillsync vs two scripts.

tillsync side: the catalog job into an empty store (categories, then
products with their stock), then the job again with nothing changed in
KORONA — the scheduled run, which reads KORONA's change feed since its
cursor — and once more with ``full=True`` (re-read both sides and compare
every product: what ``tillsync sync catalog --full`` does).  Baselines, each
on a fresh pair of sandboxes, run twice: the batched script a good admin
writes (``bench.baselines.batched``, it leads the table) and the naive
per-product one (``bench.baselines.naive``).

Time scale: only the host's costs shrink with it, not the per-request CPU
of the clients and the sandbox, which the naive script pays thousands of
times.  So unless the run is at scale 1, every side is also run at scale 0
(the overhead alone) and each time is corrected to scale 1
(:func:`bench.report.at_scale_1`: exact for the serial naive script, a
pessimistic bound for tillsync and the batched script, whose overhead
overlaps the host's time); the table shows both figures and the targets
judge the corrected ones.  ``--time-scale 1`` measures instead of correcting.

The no-op row compares different work *by construction* (a stateful diff
against a memoryless re-push); the like-for-like row is the ``--full``
compare, which re-reads both sides as the scripts do.
"""

from __future__ import annotations

import math
from typing import Any

from bench.hostfloor import BATCH_LIMIT, HostPlan
from bench.procs import run_child
from bench.report import Row, Target, at_scale_1, ratio
from bench.scenarios.shop_pair import ShopPair, woo_requests
from bench.settings import BenchSettings
from bench.shops import category_levels
from sandbox.woocommerce.hostmodel import HostModel

__all__ = ["run"]

CATALOG = "bench.tillsync_side:catalog_run"
BASELINES = {"baseline": "bench.baselines.batched:run", "naive": "bench.baselines.naive:run"}
SERIAL = {"naive"}  # one request at a time: its scale correction is exact
CHECK_READS = {"GET taxes/classes"}  # see _check_reads


def _tillsync(settings: BenchSettings, model: HostModel) -> dict[str, Any]:
    with ShopPair(
        settings.catalog, settings.categories, model, profile_dir=settings.profile_dir
    ) as shops:
        found: dict[str, Any] = {}
        for key, extra in (("initial", {}), ("noop", {}), ("full", {"full": True})):
            found[key] = run_child(CATALOG, shops.payload(**extra))
            found[f"{key}_woo"] = woo_requests(shops.woo_stats(reset=True))
        found["products_in_shop"] = shops.shop_count("products")
    return found


def _script(settings: BenchSettings, model: HostModel, target: str) -> dict[str, Any]:
    with ShopPair(settings.catalog, settings.categories, model) as shops:
        first = run_child(target, shops.payload())
        first_woo = woo_requests(shops.woo_stats(reset=True))
        rerun = run_child(target, shops.payload())
        rerun_woo = woo_requests(shops.woo_stats(reset=True))
    return {"first": first, "first_woo": first_woo, "rerun": rerun, "rerun_woo": rerun_woo}


def _measure(settings: BenchSettings, model: HostModel) -> dict[str, Any]:
    runs = {"tillsync": _tillsync(settings, model)}
    for side, target in BASELINES.items():
        runs[side] = _script(settings, model, target)
    return runs


def _wall(runs: dict[str, Any], side: str, key: str) -> float:
    return runs[side][key]["result"]["wall_s"]


def _times(
    settings: BenchSettings, scaled: dict, overhead: dict | None, keys: dict[str, str]
) -> tuple[dict[str, float], dict[str, float] | None]:
    """Measured times per side (``keys``: side -> run), and corrected to scale 1."""
    measured = {side: _wall(scaled, side, key) for side, key in keys.items()}
    if overhead is None:
        return measured, None
    scale = settings.time_scale
    at_1 = {
        side: round(
            at_scale_1(t, _wall(overhead, side, keys[side]), scale, serial=side in SERIAL), 3
        )
        for side, t in measured.items()
    }
    return measured, at_1


def _initial_row(settings: BenchSettings, scaled: dict, overhead: dict | None) -> Row:
    ours = scaled["tillsync"]
    real = settings.host_model(time_scale=1.0)
    plan = HostPlan(
        creates=[*category_levels(settings.categories), ours["products_in_shop"]],
        page_reads=[0, 0],  # the empty store's products and categories, one page each
    )
    floor = plan.floor_s(real)
    keys = {"tillsync": "initial", "baseline": "first", "naive": "first"}
    measured, at_1 = _times(settings, scaled, overhead, keys)
    judged = at_1 or {k: v / (settings.time_scale or 1) for k, v in measured.items()}
    requests, minimum = ours["initial_woo"]["total"], plan.min_requests()
    checks = _check_reads(ours["initial_woo"])
    return Row(
        scenario="catalog",
        title=f"initial catalog, {settings.catalog:,} products, {settings.categories} categories",
        tillsync_s=measured["tillsync"],
        baseline_s=measured["baseline"],
        naive_s=measured["naive"],
        at_1=at_1,
        requests=requests,
        min_requests=minimum,
        peak_rss_mb=ours["initial"]["peak_rss_mb"],
        targets=(
            Target(
                f"requests ≤ 1.05 × minimum (+ {checks} tax-class check)",
                1.05,
                ratio(requests - checks, minimum),
                unit="×",
            ),
            Target(
                f"wall ≤ 1.25 × host floor ({floor:.1f} s at scale 1)",
                1.25,
                ratio(judged["tillsync"], floor),
                unit="×",
            ),
            Target(
                "≥ 5× faster than the naive script (at scale 1)",
                5.0,
                ratio(judged["naive"], judged["tillsync"]),
                at_most=False,
                unit="×",
            ),
        ),
        details={
            "host_floor_s_at_1": round(floor, 3),
            "plan": plan.__dict__,
            "products_in_shop": ours["products_in_shop"],
            "requests": _requests(scaled, "initial", "first"),
            "scaled": _strip(scaled),
            "overhead_at_scale_0": None if overhead is None else _strip(overhead),
            "profile": ours["initial"]["result"].get("profile"),
        },
    )


def _noop_row(settings: BenchSettings, scaled: dict, overhead: dict | None, *, full: bool) -> Row:
    key = "full" if full else "noop"
    ours = scaled["tillsync"]
    keys = {"tillsync": key, "baseline": "rerun", "naive": "rerun"}
    measured, at_1 = _times(settings, scaled, overhead, keys)
    writes = ours[f"{key}_woo"]["writes"]
    targets = [Target("0 writes", 0, writes)]
    if not full:
        judged = at_1 or measured
        speedup = ratio(judged["naive"], judged["tillsync"])
        targets.append(Target("≥ 100× faster than the naive rerun", 100, speedup, False, "×"))
    title = (
        f"no-op resync of the {settings.catalog:,}, --full compare (like for like)"
        if full
        else f"no-op resync of the {settings.catalog:,}: change feed vs re-push (by construction)"
    )
    return Row(
        scenario="catalog",
        title=title,
        tillsync_s=measured["tillsync"],
        baseline_s=measured["baseline"],
        naive_s=measured["naive"],
        at_1=at_1,
        requests=ours[f"{key}_woo"]["total"],
        min_requests=math.ceil(ours["products_in_shop"] / BATCH_LIMIT) if full else 0,
        peak_rss_mb=ours[key]["peak_rss_mb"],
        targets=tuple(targets),
        details={"requests": _requests(scaled, key, "rerun")},
    )


def _check_reads(counted: dict[str, Any]) -> int:
    """tillsync's reads of the shop's tax classes: a fixed check per run that no
    minimum plan counts (issue 13: a product is never written with a class the
    shop would silently turn into the standard rate), reported beside the target."""
    return sum(n for route, n in counted["by_route"].items() if route in CHECK_READS)


def _requests(runs: dict, ours: str, theirs: str) -> dict[str, Any]:
    """What the store counted for each side (requests are not noisy; seconds are)."""
    return {
        "tillsync": runs["tillsync"][f"{ours}_woo"],
        **{side: runs[side][f"{theirs}_woo"] for side in BASELINES},
    }


def _strip(runs: dict) -> dict:
    """The runs without cProfile text (kept under the tillsync side's ``profile``)."""
    out: dict[str, Any] = {}
    for side, found in runs.items():
        out[side] = {}
        for key, value in found.items():
            if isinstance(value, dict) and isinstance(value.get("result"), dict):
                value = {**value, "result": dict(value["result"])}
                value["result"].pop("profile", None)
            out[side][key] = value
    return out


def run(settings: BenchSettings) -> list[Row]:
    scaled = _measure(settings, settings.host_model())
    overhead = None
    if settings.time_scale not in (0.0, 1.0):
        overhead = _measure(settings, settings.host_model(time_scale=0.0))
    return [
        _initial_row(settings, scaled, overhead),
        _noop_row(settings, scaled, overhead, full=False),
        _noop_row(settings, scaled, overhead, full=True),
    ]
