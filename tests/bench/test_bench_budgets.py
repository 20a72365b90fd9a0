"""The back offices' budget rows (issue 21): their floors, and the scenarios end to end
at a tiny size (the harness works; speed is judged by `make bench`, not here)."""

from __future__ import annotations

import pytest

from bench.scenarios import korona_quota, kros_budget

pytestmark = pytest.mark.timeout(120)


def test_the_kros_floor_is_ten_a_second_and_three_hundred_a_minute() -> None:
    assert kros_budget.floor_s(1) == 0
    assert kros_budget.floor_s(11) == 1  # the eleventh waits for the first second to pass
    assert kros_budget.floor_s(300) == 29
    assert kros_budget.floor_s(301) == 60  # the 301st waits for the first to be a minute old
    assert kros_budget.minimum_requests(20_000) == 201  # a full last page needs one more
    assert kros_budget.minimum_requests(250) == 3


def test_the_korona_floor_counts_pages_and_the_price_group() -> None:
    totals = {"products": 9_897, "commodity_groups": 300, "stock_rows": 9_264}
    assert korona_quota.minimum_requests(totals) == 99 + 3 + 93 + 1


def test_korona_quota_rows_at_a_tiny_size() -> None:
    initial, day = korona_quota.run(products=120, categories=40)
    assert initial.passed, [t.verdict() for t in initial.targets]
    runs = initial.details["runs"]
    assert initial.requests == runs["initial"]["requests"] >= initial.min_requests
    assert runs["initial"]["daily_limit_429"] == 0 and runs["initial"]["written"] > 120
    assert day.details["catalog_noop"]["woo_writes"] == 0
    assert runs["first_stock"]["requests"] == 1 and runs["first_stock"]["woo_writes"] == 0


def test_kros_budget_rows_at_a_tiny_size() -> None:
    initial, noop = kros_budget.run(products=150)
    runs = initial.details["runs"]
    assert initial.min_requests == 2 and runs["initial"]["failed"] == 0
    # the stock snapshot and the products share one read (4 if not); one page may be read
    # ahead past the short one (KROS sends no total)
    assert 2 <= initial.requests <= 3
    assert runs["initial"]["answered_429"] == 0
    assert noop.requests == noop.min_requests == 1 and noop.passed
