"""The reconcile_day benchmark end to end at a small size, so it can't rot unnoticed.

No timing is asserted (the machine is shared): what is checked is that a
clean day of booked orders reports 0 differences and that each side is read
once, page by page (here two pages of 100)."""

from __future__ import annotations

import pytest

from bench.scenarios.reconcile_day import run

pytestmark = pytest.mark.timeout(180)


def test_reconcile_day_reads_each_side_once_at_small_size() -> None:
    (row,) = run(orders=150)
    details = row.details
    assert details["orders_read"] == details["sales_read"] == 150
    assert details["differences"] == details["rounding"] == 0
    assert details["woo_requests"] == 2  # two pages of 100 orders
    assert details["korona_requests"] <= 3  # two pages of receipts (+ the empty last one)
    assert all(target.passed for target in row.targets), [t.verdict() for t in row.targets]
