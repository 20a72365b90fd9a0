"""Schedules as pure functions of time: parsing, DST, the fast guard, quiet hours."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.scheduler import (
    CronSchedule,
    DailySchedule,
    DisabledSchedule,
    IntervalSchedule,
    QuietSchedule,
    ScheduleError,
    parse_quiet_hours,
    parse_schedule,
)

BRATISLAVA = ZoneInfo("Europe/Bratislava")
# 2024 transitions in Europe/Bratislava: spring forward on 31 March at 02:00 CET
# (01:00 UTC), fall back on 27 October at 03:00 CEST (01:00 UTC).
SPRING_EVE = datetime(2024, 3, 30, 12, 0, tzinfo=BRATISLAVA)
FALL_EVE = datetime(2024, 10, 26, 12, 0, tzinfo=BRATISLAVA)


def local(fires: tuple[datetime, ...]) -> list[str]:
    return [f.astimezone(BRATISLAVA).isoformat() for f in fires]


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("every 10 minutes", timedelta(minutes=10)),
        ("every 30s", timedelta(seconds=30)),
        ("Every 2 Hours", timedelta(hours=2)),
        ("every minute", timedelta(minutes=1)),
        ("every 1h 30m", timedelta(hours=1, minutes=30)),
        ("every 1 hour and 15 minutes", timedelta(hours=1, minutes=15)),
        ("every 3 min", timedelta(minutes=3)),
    ],
)
def test_interval_forms(text: str, every: timedelta) -> None:
    schedule = parse_schedule(text, BRATISLAVA, allow_fast=True)
    assert isinstance(schedule, IntervalSchedule)
    assert schedule.every == every
    assert schedule.text == text


def test_interval_is_aligned_and_stateless() -> None:
    schedule = parse_schedule("every 10 minutes", BRATISLAVA)
    fires = schedule.next_fires(datetime(2024, 5, 1, 10, 3, 7, tzinfo=UTC), 3)
    assert fires == (
        datetime(2024, 5, 1, 10, 10, tzinfo=UTC),
        datetime(2024, 5, 1, 10, 20, tzinfo=UTC),
        datetime(2024, 5, 1, 10, 30, tzinfo=UTC),
    )
    # exactly on a slot: the next one, never the same instant again
    assert schedule.next_after(fires[0]) == fires[1]


@pytest.mark.parametrize("eve", [SPRING_EVE, FALL_EVE])
def test_interval_keeps_real_spacing_across_dst(eve: datetime) -> None:
    fires = parse_schedule("every 30 minutes", BRATISLAVA).next_fires(eve, 48)
    gaps = {b - a for a, b in itertools.pairwise(fires)}
    assert gaps == {timedelta(minutes=30)}


def test_daily_0230_on_spring_forward_runs_once_when_clocks_jump() -> None:
    fires = parse_schedule("daily at 02:30", BRATISLAVA).next_fires(SPRING_EVE, 3)
    assert local(fires) == [
        "2024-03-31T03:00:00+02:00",  # 02:30 doesn't exist that night
        "2024-04-01T02:30:00+02:00",
        "2024-04-02T02:30:00+02:00",
    ]


def test_daily_0230_on_fall_back_runs_once_not_twice() -> None:
    fires = parse_schedule("daily at 02:30", BRATISLAVA).next_fires(FALL_EVE, 3)
    assert local(fires) == [
        "2024-10-27T02:30:00+02:00",  # first of the two 02:30s
        "2024-10-28T02:30:00+01:00",
        "2024-10-29T02:30:00+01:00",
    ]


@pytest.mark.parametrize("text", ["daily at 3:00", "daily 03:00", "every day at 03:00"])
def test_daily_forms(text: str) -> None:
    schedule = parse_schedule(text, BRATISLAVA)
    assert isinstance(schedule, DailySchedule)
    assert schedule.at == time(3, 0)


def test_cron_fixed_hour_matches_daily_across_dst() -> None:
    cron = parse_schedule("30 2 * * *", BRATISLAVA)
    daily = parse_schedule("daily at 02:30", BRATISLAVA)
    assert isinstance(cron, CronSchedule)
    for eve in (SPRING_EVE, FALL_EVE):
        assert cron.next_fires(eve, 4) == daily.next_fires(eve, 4)


def test_cron_every_half_hour_through_the_repeated_hour() -> None:
    start = datetime(2024, 10, 27, 1, 45, tzinfo=BRATISLAVA)
    fires = parse_schedule("*/30 * * * *", BRATISLAVA).next_fires(start, 5)
    assert local(fires) == [
        "2024-10-27T02:00:00+02:00",
        "2024-10-27T02:30:00+02:00",
        "2024-10-27T02:00:00+01:00",  # the hour repeats, and so do the fires
        "2024-10-27T02:30:00+01:00",
        "2024-10-27T03:00:00+01:00",
    ]
    assert fires == tuple(sorted(fires))
    assert {b - a for a, b in itertools.pairwise(fires)} == {timedelta(minutes=30)}


def test_cron_skipped_hour_collapses_into_one_fire() -> None:
    start = datetime(2024, 3, 31, 1, 20, tzinfo=BRATISLAVA)
    fires = parse_schedule("*/15 * * * *", BRATISLAVA).next_fires(start, 4)
    assert local(fires) == [
        "2024-03-31T01:30:00+01:00",
        "2024-03-31T01:45:00+01:00",
        "2024-03-31T03:00:00+02:00",  # 02:00-02:45 never happened: one run at the jump
        "2024-03-31T03:15:00+02:00",
    ]


def test_cron_started_inside_the_repeated_hour() -> None:
    second_pass = datetime(2024, 10, 27, 1, 10, tzinfo=UTC)  # 02:10 CET, the second 02:10
    assert local((parse_schedule("*/30 * * * *", BRATISLAVA).next_after(second_pass),)) == [
        "2024-10-27T02:30:00+01:00"
    ]
    # a fixed-hour job already fired in the first pass: next is tomorrow
    assert local((parse_schedule("15 2 * * *", BRATISLAVA).next_after(second_pass),)) == [
        "2024-10-28T02:15:00+01:00"
    ]


def test_cron_aliases_and_weekdays() -> None:
    assert parse_schedule("@hourly", BRATISLAVA).next_after(
        datetime(2024, 5, 1, 10, 5, tzinfo=UTC)
    ) == datetime(2024, 5, 1, 11, 0, tzinfo=UTC)
    monday = parse_schedule("0 6 * * mon", BRATISLAVA).next_after(SPRING_EVE)
    assert local((monday,)) == ["2024-04-01T06:00:00+02:00"]


@pytest.mark.parametrize("text", ["off", "never", "Disabled"])
def test_disabled_schedule_never_fires(text: str) -> None:
    schedule = parse_schedule(text, BRATISLAVA)
    assert isinstance(schedule, DisabledSchedule)
    assert schedule.next_fires(SPRING_EVE) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("sometimes", "can't read schedule 'sometimes'"),
        ("every ten minutes", "unknown unit 'ten'"),
        ("every 10 fortnights", "unknown unit 'fortnights'"),
        ("every 2.5 hours", "can't read interval"),
        ("every 0 minutes", "longer than zero"),
        ("daily at 25:00", "'25:00' is not a time of day"),
        ("daily at noon", "'noon' is not a time of day"),
        ("*/10 * * * * *", "has 6 fields"),
        ("61 * * * *", "is not valid"),
        ("0 0 30 2 *", "never fires"),
    ],
)
def test_bad_schedules_say_what_is_wrong(text: str, expected: str) -> None:
    with pytest.raises(ScheduleError, match=None) as caught:
        parse_schedule(text, BRATISLAVA)
    assert expected in str(caught.value)


def test_fast_schedules_are_refused_unless_allowed() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("every 30s", BRATISLAVA)
    message = str(caught.value)
    assert "every 30s" in message and "30 seconds" in message and "allow_fast = true" in message
    assert parse_schedule("every 30s", BRATISLAVA, allow_fast=True).min_period == timedelta(
        seconds=30
    )
    assert parse_schedule("every 1 minute", BRATISLAVA).min_period == timedelta(minutes=1)
    assert parse_schedule("* * * * *", BRATISLAVA).min_period == timedelta(minutes=1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_schedule("every 10 minutes", BRATISLAVA).next_after(datetime(2024, 1, 1))


def test_quiet_hours_window_and_wrap() -> None:
    night = parse_quiet_hours("22:00-06:00", BRATISLAVA)
    assert night.contains(datetime(2024, 5, 1, 23, 30, tzinfo=BRATISLAVA))
    assert night.contains(datetime(2024, 5, 2, 5, 59, tzinfo=BRATISLAVA))
    assert not night.contains(datetime(2024, 5, 2, 6, 0, tzinfo=BRATISLAVA))
    assert night.window_end(datetime(2024, 5, 1, 23, 30, tzinfo=BRATISLAVA)) == datetime(
        2024, 5, 2, 6, 0, tzinfo=BRATISLAVA
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01:00", "range"), ("01:00-01:00", "same time"), ("1am-5am", "not a time of day")],
)
def test_bad_quiet_hours(text: str, expected: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_quiet_hours(text, BRATISLAVA)
    assert expected in str(caught.value)


def test_heavy_job_in_quiet_hours_starts_at_window_end_once() -> None:
    quiet = parse_quiet_hours("01:00-05:00", BRATISLAVA)
    daily = QuietSchedule(parse_schedule("daily at 03:00", BRATISLAVA), quiet)
    assert local(daily.next_fires(datetime(2024, 5, 1, 12, tzinfo=BRATISLAVA), 2)) == [
        "2024-05-02T05:00:00+02:00",
        "2024-05-03T05:00:00+02:00",
    ]
    hourly = QuietSchedule(parse_schedule("every 1 hour", BRATISLAVA), quiet)
    fires = local(hourly.next_fires(datetime(2024, 5, 1, 23, 30, tzinfo=BRATISLAVA), 4))
    # 01:00..04:00 are swallowed by the window and replaced by a single 05:00
    assert fires == [
        "2024-05-02T00:00:00+02:00",
        "2024-05-02T05:00:00+02:00",
        "2024-05-02T06:00:00+02:00",
        "2024-05-02T07:00:00+02:00",
    ]
    assert "not during 01:00-05:00" in hourly.text


def test_quiet_hours_admit_moves_only_starts_inside_the_window() -> None:
    quiet = parse_quiet_hours("01:00-05:00", BRATISLAVA)
    heavy = QuietSchedule(parse_schedule("daily at 03:00", BRATISLAVA), quiet)
    inside = datetime(2024, 5, 2, 2, 0, tzinfo=BRATISLAVA)
    outside = datetime(2024, 5, 2, 12, 0, tzinfo=BRATISLAVA)
    assert heavy.admit(inside) == datetime(2024, 5, 2, 5, 0, tzinfo=BRATISLAVA)
    assert heavy.admit(outside) == outside


_instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
_zones = st.sampled_from(
    [ZoneInfo(name) for name in ("Europe/Bratislava", "America/New_York", "Australia/Lord_Howe")]
)
_texts = st.sampled_from(["*/15 * * * *", "30 2 * * *", "daily at 02:30", "0 */3 * * *"])


@settings(max_examples=150, deadline=None)
@given(moment=_instants, tz=_zones, text=_texts)
def test_fires_are_strictly_increasing_and_never_skip_a_day(
    moment: datetime, tz: ZoneInfo, text: str
) -> None:
    fires = parse_schedule(text, tz).next_fires(moment, 6)
    assert len(fires) == 6
    assert fires[0] > moment
    assert all(a < b for a, b in itertools.pairwise(fires))
    assert all(b - a <= timedelta(hours=27) for a, b in itertools.pairwise(fires))
