"""A hundred price and stock changes among a large catalog: the incremental run.

Set-up (not measured): KORONA holds ``incremental`` products; tillsync's
first catalog and stock runs fill the store with the host's costs switched
off (time scale 0), so set-up takes engine time only and both jobs have
their cursors, as after any scheduled run.  Then the costs are switched
back on, ``changes`` products get a new price and a new stock count in
KORONA (as a back-office user would), and the measured run is what the
schedule does: the catalog job, then the stock job, each reading KORONA's
change feed since its cursor.

The naive script has no change feed: it would push every product again.
It is run on a sample against the same store and its full rerun estimated
from that (KORONA read + categories + per-product push × products).  The
row compares different work *by construction* (a change feed against a
memoryless re-push) and says so.  The measured part runs at time scale 1
(the real host's costs): it is short, so no correction is needed.  The
target is tillsync's own time beyond the host floor (≤ 3 s): at scale 1 the
host alone needs 4.3 s for one batch of 100 updates (43 ms per item, as
measured), so the former "≤ 3 s in all" held only at time scale 0.1.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from bench.hostfloor import HostPlan
from bench.procs import run_child
from bench.report import Row, Target
from bench.scenarios.shop_pair import ShopPair, woo_requests
from bench.settings import BenchSettings

__all__ = ["changed_numbers", "run"]

FIRST_NUMBER = 10001  # sandbox/korona/demo_shop.py
MEASURED_SCALE = 1.0


def changed_numbers(products: int, changes: int) -> list[str]:
    """Spread over the catalog; skips the seed's deleted and deactivated articles."""
    selling = [i for i in range(products) if i % 97 != 11 and i % 33 != 5]
    stride = len(selling) / max(1, changes)
    return [str(FIRST_NUMBER + selling[int(k * stride)]) for k in range(min(changes, len(selling)))]


def _change_korona(shops: ShopPair, numbers: list[str]) -> None:
    assert shops.korona is not None
    for n, number in enumerate(numbers):
        price = Decimal(7 + n % 50) + Decimal("0.37")
        shops.korona.control(f"products/{number}", {"price": str(price), "stock": 1200 + n})


def _estimate(sample: dict[str, Any]) -> float:
    r = sample["result"]
    per_product = r["push_s"] / max(1, r["pushed"])
    return r["read_s"] + r["categories_s"] + per_product * r["products"]


def run(settings: BenchSettings) -> list[Row]:
    model = settings.host_model()
    with ShopPair(
        settings.incremental, settings.categories, model, profile_dir=settings.profile_dir
    ) as shops:
        shops.set_host(time_scale=0.0)
        setup = run_child("bench.tillsync_side:incremental_run", shops.payload())
        shops.set_host(time_scale=MEASURED_SCALE)
        numbers = changed_numbers(settings.incremental, settings.changes)
        _change_korona(shops, numbers)
        shops.woo_stats(reset=True)
        measured = run_child("bench.tillsync_side:incremental_run", shops.payload())
        woo = woo_requests(shops.woo_stats(reset=True))
        sample = run_child(
            "bench.baselines.naive:run", shops.payload(limit=settings.baseline_sample)
        )
    result = measured["result"]
    wall = result["wall_s"]
    # the catalog job's batch, then the stock job's: two groups of updates in turn
    plan = HostPlan(updates=[result["catalog"]["written"], result["stock"]["written"]])
    floor = plan.floor_s(model.patched({"time_scale": MEASURED_SCALE}))
    return [
        Row(
            scenario="incremental",
            title=(
                f"{len(numbers)} price/stock changes among {settings.incremental:,} products: "
                "change feed vs re-push (by construction)"
            ),
            tillsync_s=wall,
            naive_s=round(_estimate(sample), 1),
            naive_note=f"(est. from {settings.baseline_sample})",
            requests=woo["total"],
            min_requests=2 * math.ceil(len(numbers) / 100),  # one catalog + one stock batch
            peak_rss_mb=measured["peak_rss_mb"],
            targets=(
                Target("≤ 5 writes to WooCommerce", 5, woo["writes"]),
                Target(
                    f"≤ 3 s beyond the host floor ({floor:.1f} s at scale 1)",
                    3.0,
                    wall - floor,
                    unit=" s",
                ),
            ),
            details={
                "time_scale": MEASURED_SCALE,
                "host_floor_s": round(floor, 3),
                "changed": numbers,
                "woo": woo,
                "tillsync": measured,
                "setup": {k: v for k, v in setup["result"].items() if k != "profile"},
                "baseline_sample": sample,
            },
        )
    ]
