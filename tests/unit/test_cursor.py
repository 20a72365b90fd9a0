"""The bookmark rules, with no I/O: forward only, capped at the run start, pending until applied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.cursor import RevisionCursor, TimeCursor

T0 = datetime(2025, 3, 1, 12, 0, 0, 700_000, tzinfo=UTC)  # run start, mid-second


def at(seconds: float) -> datetime:
    """An instant relative to 12:00:00 on the run's day."""
    return datetime(2025, 3, 1, 12, 0, tzinfo=UTC) + timedelta(seconds=seconds)


def test_revision_cursor_stores_the_greatest_applied_revision() -> None:
    cursor = RevisionCursor.from_text("100")
    cursor.observe_all([105, 103, 104])
    assert cursor.committed == 100  # nothing moves before the page is applied
    assert cursor.committable() == 105
    assert cursor.committable_text() == "105"
    assert cursor.commit() == 105
    assert cursor.committed == 105


def test_revision_cursor_never_moves_back() -> None:
    cursor = RevisionCursor(200)
    cursor.observe(150)  # a late page or a re-read
    assert cursor.committable() == 200
    assert not cursor.advanced
    assert cursor.commit() == 200


def test_a_discarded_page_does_not_move_the_cursor() -> None:
    cursor = RevisionCursor(10)
    cursor.observe(50)
    cursor.discard()
    assert cursor.committable() == 10
    cursor.observe(20)
    assert cursor.commit() == 20


def test_a_fresh_cursor_has_nothing_to_store_until_it_sees_a_value() -> None:
    cursor = RevisionCursor.from_text(None)
    assert cursor.committed is None
    assert cursor.committable_text() is None
    cursor.observe(1)
    assert cursor.committable_text() == "1"


def test_revision_cursor_refuses_non_integers() -> None:
    with pytest.raises(TypeError):
        RevisionCursor().observe("12")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        RevisionCursor().observe(True)


def test_time_cursor_is_capped_at_the_run_start_minus_the_overlap() -> None:
    cursor = TimeCursor(at(-3600), run_started_at=T0)
    cursor.observe(at(30))  # modified while the run was reading
    # floor(12:00:00.7) − 1 s: anything modified from 12:00:00 on is read again
    assert cursor.committable() == at(-1)


def test_time_cursor_floors_to_the_second_and_overlaps_the_last_value() -> None:
    cursor = TimeCursor(at(-3600), run_started_at=T0)
    cursor.observe(at(-20.4))
    # "after" is strictly greater with 1 s resolution: a record sharing second
    # 11:59:39 but on the next page must still be returned next time.
    assert cursor.committable() == at(-22)
    assert cursor.commit() == at(-22)


def test_time_cursor_overlap_is_configurable_for_clock_skew() -> None:
    cursor = TimeCursor(None, run_started_at=T0, overlap=timedelta(seconds=30))
    cursor.observe(at(5))
    assert cursor.committable() == at(-30)
    with pytest.raises(ValueError):
        TimeCursor(None, run_started_at=T0, overlap=timedelta(seconds=-1))


def test_time_cursor_rereading_the_overlap_is_stable() -> None:
    cursor = TimeCursor(at(-22), run_started_at=T0)
    cursor.observe(at(-21))  # the overlap re-read returns the same records
    assert not cursor.advanced
    assert cursor.commit() == at(-22)


def test_time_cursor_round_trips_through_text_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    cursor = TimeCursor(None, run_started_at=T0)
    cursor.observe(datetime(2025, 3, 1, 13, 0, 10, tzinfo=plus_two))  # 11:00:10 UTC
    text = cursor.committable_text()
    assert text == "2025-03-01T11:00:09+00:00"
    again = TimeCursor.from_text(text, run_started_at=T0)
    assert again.committed == at(-3591)


def test_time_cursor_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        TimeCursor(None, run_started_at=datetime(2025, 1, 1))
    cursor = TimeCursor(None, run_started_at=T0)
    with pytest.raises(ValueError, match="naive"):
        cursor.observe(datetime(2025, 1, 1))


@given(st.integers(min_value=0, max_value=10**9), st.lists(st.lists(st.integers(0, 10**9))))
def test_revision_cursor_is_monotonic_over_any_pages(start: int, pages: list[list[int]]) -> None:
    cursor = RevisionCursor(start)
    seen = start
    for page in pages:
        cursor.observe_all(page)
        before = cursor.committed
        committed = cursor.commit()
        assert committed is not None and before is not None and committed >= before
        seen = max([seen, *page])
        assert committed == seen


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


@given(instants, instants, st.lists(st.lists(instants, max_size=5), max_size=5))
def test_time_cursor_never_passes_the_cap_nor_moves_back(
    start: datetime, committed: datetime, pages: list[list[datetime]]
) -> None:
    cursor = TimeCursor(committed, run_started_at=start)
    cap = start.replace(microsecond=0) - timedelta(seconds=1)
    for page in pages:
        cursor.observe_all(page)
        before = cursor.committed
        after = cursor.commit()
        assert after is not None and before is not None and after >= before
        assert after == before or after <= cap
        if after != before:
            # A record not yet seen that shares the second of the newest one read
            # (or of the run start) is still strictly "after" the stored value.
            newest = min(max(page), start).replace(microsecond=0)
            assert after + timedelta(seconds=1) <= newest
