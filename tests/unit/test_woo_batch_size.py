"""Batch requests sized by measured time (issue 13: 100 creates took 30-51 s on a
loaded shop, past the 30 s timeout)."""

from __future__ import annotations

import pytest

from engine.woo.batch_size import BatchSizer


def test_an_unmeasured_shop_gets_a_size_that_fits_the_target() -> None:
    creates = BatchSizer.for_timeout(30.0, creates=True)
    updates = BatchSizer.for_timeout(30.0, creates=False)
    assert creates.target_s == 5.0
    assert creates.size() == 25  # 0.2 s per create
    assert updates.size() == 100  # 0.05 s per update


@pytest.mark.parametrize(
    ("seconds_per_item", "expected"),
    [(0.175, 28), (0.4, 12), (0.001, 100), (10.0, 10)],  # quiet, loaded, fast, stuck
)
def test_size_follows_the_measured_time(seconds_per_item: float, expected: int) -> None:
    sizer = BatchSizer.for_timeout(30.0, creates=True)
    sizer.record(20, 20 * seconds_per_item)
    assert sizer.size() == expected


def test_a_timeout_halves_the_next_requests_and_recovery_grows_them() -> None:
    sizer = BatchSizer.for_timeout(30.0, creates=True)
    sizer.record(100, 0.04 * 100)
    assert sizer.size() == 100
    sizer.unanswered(100)  # 100 creates outlasted the client timeout
    assert sizer.size() == 50
    sizer.unanswered(50)
    assert sizer.size() == 25
    sizer.record(25, 25 * 0.5)  # a loaded shop: half a second per create
    assert sizer.size() < 25
    for _ in range(8):
        sizer.record(sizer.size(), sizer.size() * 0.04)
    assert sizer.size() == 100


def test_the_target_scales_with_a_short_timeout() -> None:
    sizer = BatchSizer.for_timeout(0.3, creates=True)
    assert sizer.target_s == pytest.approx(0.1)
    assert sizer.size() == 10  # nothing measured yet: the smallest request


def test_never_below_ten_items() -> None:
    sizer = BatchSizer.for_timeout(30.0, creates=True)
    sizer.record(10, 300.0)  # a shop that is all but stuck
    assert sizer.size() == 10  # a request's fixed cost would dominate smaller ones
