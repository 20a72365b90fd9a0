"""Sizes and the host's time scale for ``--quick`` and ``--full``.

One time-scale factor shrinks every cost of the modeled host uniformly
(ratios between operations stay those of the real WooCommerce 10.0.2 host
measured in :class:`sandbox.woocommerce.HostModel`).  The quick set keeps
each scenario's shape with smaller sizes so ``make bench`` fits in about
ten minutes on two cores; the full set uses the sizes of the targets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sandbox.woocommerce import HostModel

__all__ = ["FULL", "QUICK", "BenchSettings"]


@dataclass(frozen=True)
class BenchSettings:
    name: str
    time_scale: float
    catalog: int  # initial catalog and no-op resync
    categories: int
    incremental: int  # catalog size the changes are made in
    changes: int
    large: tuple[int, int]  # two sizes for memory and growth
    # products: enough that the job makes ≥ 300 requests (1 % = 3 answers) with full
    # batches (97 % of the seeded products are sold, so created: 31,000 -> 301 batches)
    throttled: int
    throttle_workers: int
    throttle_rps_share: float  # the rate limit as a share of the workers' batch rate
    orders: int
    order_rate: float  # orders per second
    order_products: int
    dashboard: int
    baseline_sample: int  # products the baseline pushes where a full run is only estimated
    profile_dir: str | None = None  # set by --profile: tillsync's side runs under cProfile

    def host_model(self, **changes: Any) -> HostModel:
        """The default (real) host model with this run's time scale and ``changes``."""
        return HostModel(time_scale=self.time_scale).patched(changes)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "host_model": asdict(self.host_model())}


QUICK = BenchSettings(
    name="quick",
    time_scale=0.1,
    catalog=1_000,
    categories=300,
    incremental=10_000,
    changes=100,
    large=(1_000, 10_000),
    throttled=31_000,
    throttle_workers=4,
    throttle_rps_share=0.6,
    orders=100,
    order_rate=5.0,
    order_products=200,
    dashboard=2_000,
    baseline_sample=300,
)

FULL = BenchSettings(
    name="full",
    time_scale=0.1,
    catalog=10_000,
    categories=300,
    incremental=100_000,
    changes=100,
    large=(10_000, 100_000),
    throttled=31_000,
    throttle_workers=4,
    throttle_rps_share=0.6,
    orders=500,
    order_rate=5.0,
    order_products=500,
    dashboard=10_000,
    baseline_sample=1_000,
)
