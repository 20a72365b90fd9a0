"""The benchmark scenarios, by name; each ``run(settings)`` returns its table rows."""

from __future__ import annotations

from collections.abc import Callable

from bench.report import Row
from bench.settings import BenchSettings

__all__ = ["SCENARIOS", "Scenario", "scenario"]

Scenario = Callable[[BenchSettings], list[Row]]

# name -> module; imported on use so one scenario's imports (Textual) don't slow the others
SCENARIOS: dict[str, str] = {
    "catalog": "bench.scenarios.catalog",
    "incremental": "bench.scenarios.incremental",
    "large": "bench.scenarios.large",
    "throttled": "bench.scenarios.throttled",
    "webhooks": "bench.scenarios.webhooks",
    "late_webhooks": "bench.scenarios.late_webhooks",
    "dashboard": "bench.scenarios.dashboard",
    "nexopos_read": "bench.scenarios.nexopos_read",
    "sitoo_initial": "bench.scenarios.sitoo_initial",
    "reconcile_day": "bench.scenarios.reconcile_day",
    "korona_quota": "bench.scenarios.korona_quota",
    "kros_budget": "bench.scenarios.kros_budget",
}


def scenario(name: str) -> Scenario:
    import importlib

    return importlib.import_module(SCENARIOS[name]).run
