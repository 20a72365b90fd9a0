"""Initial catalog at two sizes ten times apart: engine memory and growth of time.

The engine runs in its own process, so its peak RSS (``ru_maxrss``) is the
engine's alone: interpreter, imports, the state store's thread and whatever
the job holds.  Reads stream page by page, so memory should not grow with
the catalog; time should grow linearly: seconds per 1,000 products at the
larger size no worse than at the smaller one (the smaller run also pays
the fixed costs, e.g. 300 categories, so it is the stricter of the two).
"""

from __future__ import annotations

from typing import Any

from bench.hostfloor import HostPlan
from bench.procs import run_child
from bench.report import Row, Target, ratio
from bench.scenarios.shop_pair import ShopPair
from bench.settings import BenchSettings
from bench.shops import category_levels

__all__ = ["run"]

RSS_LIMIT_MB = 300
GROWTH_TOLERANCE = 1.10  # s per 1,000 at the large size ≤ 1.10 × at the small size


def _one(settings: BenchSettings, products: int) -> dict[str, Any]:
    model = settings.host_model()
    with ShopPair(products, settings.categories, model, profile_dir=settings.profile_dir) as shops:
        measured = run_child("bench.tillsync_side:catalog_run", shops.payload())
        in_shop = shops.shop_count("products")
    plan = HostPlan(creates=[*category_levels(settings.categories), in_shop], page_reads=[0, 0])
    result = measured["result"]
    return {
        "products": products,
        "in_shop": in_shop,
        "wall_s": result["wall_s"],
        "s_per_1000": result["wall_s"] / (products / 1000),
        "host_floor_s": round(plan.floor_s(model), 3),
        "peak_rss_mb": measured["peak_rss_mb"],
        "cpu_s": measured["cpu_s"],
        "phases": result["phases"],
        "totals": result["totals"],
        "woo": result["woo"],
    }


def run(settings: BenchSettings) -> list[Row]:
    small_n, large_n = settings.large
    small, large = _one(settings, small_n), _one(settings, large_n)
    growth = ratio(large["s_per_1000"], small["s_per_1000"])
    return [
        Row(
            scenario="large",
            title=(
                f"initial catalog, {large_n:,} products: {large['s_per_1000']:.2f} s/1k "
                f"({small['s_per_1000']:.2f} s/1k at {small_n:,})"
            ),
            tillsync_s=large["wall_s"],
            peak_rss_mb=large["peak_rss_mb"],
            targets=(
                Target(
                    f"engine peak RSS ≤ {RSS_LIMIT_MB} MB",
                    RSS_LIMIT_MB,
                    large["peak_rss_mb"],
                    unit=" MB",
                ),
                Target(
                    f"s per 1,000 at {large_n:,} ≤ {GROWTH_TOLERANCE} × at {small_n:,}",
                    GROWTH_TOLERANCE,
                    growth,
                    unit="×",
                ),
            ),
            details={"small": small, "large": large, "growth": round(growth, 3)},
        )
    ]
