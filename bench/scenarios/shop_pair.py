"""A KORONA account and a WooCommerce store, each in its own process, started fresh.

Every side of a scenario (tillsync, then the baseline) gets a new pair, so
neither sees what the other wrote.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from woocommerce import API

from bench.procs import SandboxProcess
from bench.shops import WOO_KEY, WOO_SECRET
from sandbox.woocommerce import HostModel

__all__ = ["ShopPair", "woo_requests"]


@dataclass
class ShopPair:
    """``with ShopPair(products, categories, model) as shops: shops.payload()``."""

    products: int
    categories: int
    model: HostModel
    woo_options: dict[str, Any] = field(default_factory=dict)
    profile_dir: str | None = None  # tillsync's side runs under cProfile, one file per run
    korona: SandboxProcess | None = None
    woo: SandboxProcess | None = None
    workdir: Path | None = None

    def __enter__(self) -> ShopPair:
        self.workdir = Path(tempfile.mkdtemp(prefix="tillsync-bench-"))
        self.korona = SandboxProcess(
            "korona", {"products": self.products, "categories": self.categories}
        )
        try:
            options = {"host_model": asdict(self.model), **self.woo_options}
            self.woo = SandboxProcess("woo", options)
        except BaseException:
            self.korona.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for process in (self.woo, self.korona):
            if process is not None:
                process.stop()

    @property
    def woo_url(self) -> str:
        assert self.woo is not None
        return self.woo.url

    def payload(self, **extra: Any) -> dict[str, Any]:
        """What a measured child needs to reach both shops (and tillsync's state file)."""
        assert self.korona is not None and self.workdir is not None
        if self.profile_dir:
            Path(self.profile_dir).mkdir(parents=True, exist_ok=True)
            extra.setdefault(
                "profile", f"{self.profile_dir}/{self.workdir.name}-{time.time_ns()}.prof"
            )
        return {
            "korona_url": self.korona.url,
            "woo_url": self.woo_url,
            "state_db": str(self.workdir / "state.db"),
            **extra,
        }

    def woo_stats(self, *, reset: bool = False) -> dict[str, Any]:
        """The store's own request counters (what the host saw, not what a client says)."""
        assert self.woo is not None
        stats = self.woo.control("stats")
        if reset:
            self.woo.control("reset-stats", {})
        return stats

    def set_host(self, **knobs: Any) -> None:
        assert self.woo is not None
        self.woo.control("knobs", knobs)

    def shop_count(self, resource: str) -> int:
        """How many products / categories the store holds (``X-WP-Total``)."""
        api = API(url=self.woo_url, consumer_key=WOO_KEY, consumer_secret=WOO_SECRET, timeout=60)
        params = {"per_page": 1, **({"status": "any"} if resource == "products" else {})}
        response = api.get(resource, params=params)
        response.raise_for_status()
        return int(response.headers["X-WP-Total"])


def woo_requests(stats: dict[str, Any]) -> dict[str, Any]:
    """Reads, writes and 429s from the store's counters, and the count per route."""
    routes: dict[str, int] = stats["by_route"]
    reads = sum(n for route, n in routes.items() if route.startswith("GET "))
    return {
        "total": stats["total"],
        "reads": reads,
        "writes": stats["total"] - reads,
        "served_429": stats["served_429"],
        "max_concurrent": stats["max_concurrent"],
        "by_route": dict(routes),
    }
