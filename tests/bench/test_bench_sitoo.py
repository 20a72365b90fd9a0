"""The Sitoo budget scenario end to end at a tiny size, so it can't rot unnoticed.

No timing is asserted (the machine is shared); what is checked is that the
budgeted read met the sandbox's 429s, recovered, and read the same catalog as
the unbudgeted one, and that the floor is computed from the budget."""

from __future__ import annotations

import pytest

from bench.scenarios.sitoo_initial import floor_s, run

pytestmark = pytest.mark.timeout(120)


def test_floor_counts_whole_windows_after_the_first_budget() -> None:
    assert floor_s(200, 200, 10.0) == 0
    assert floor_s(201, 200, 10.0) == 10.0
    assert floor_s(1303, 200, 10.0) == 60.0


def test_sitoo_budget_scenario_at_tiny_size() -> None:
    (row,) = run(products=80, variant_every=8, budget=15, window=1.0)
    free, budgeted = row.details["unbudgeted"], row.details["budgeted"]
    assert row.details["refused_429"] > 0 and budgeted["retries"] >= row.details["refused_429"]
    for key in ("products", "variants", "categories", "stock_rows"):
        assert budgeted[key] == free[key], key
    assert free["variants"] == 30 and free["stock_rows"] == 100
    assert row.min_requests == free["requests"] < budgeted["requests"]
