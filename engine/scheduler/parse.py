"""Reading schedules from the strings admins write in the config.

Accepted forms (case-insensitive)::

    every 10 minutes | every 30s | every 2 hours | every 1h 30m | every minute
    daily at 03:00   | daily 03:00 | every day at 03:00
    */10 * * * *     | @hourly | @daily          (five-field cron, local time)
    off | never | disabled                       (only runs when triggered by hand)

Errors are :class:`ScheduleError` (a ValueError, so pydantic validators can
raise it as is) with a message that quotes the input and shows the forms.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from engine.scheduler.quiet import QuietHours
from engine.scheduler.schedule import (
    CronSchedule,
    DailySchedule,
    DisabledSchedule,
    IntervalSchedule,
    Schedule,
)

__all__ = [
    "MIN_PERIOD",
    "SCHEDULE_EXAMPLES",
    "ScheduleError",
    "check_min_period",
    "parse_quiet_hours",
    "parse_schedule",
    "parse_time_of_day",
]

MIN_PERIOD = timedelta(minutes=1)
SCHEDULE_EXAMPLES = '"every 10 minutes", "daily at 03:00" or a cron line like "*/10 * * * *"'

_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), timedelta(seconds=1)),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), timedelta(minutes=1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), timedelta(hours=1)),
    **dict.fromkeys(("d", "day", "days"), timedelta(days=1)),
}
_OFF = {"off", "never", "disabled"}
_INTERVAL_PART = re.compile(r"(\d+)?\s*([a-z]+)")
_DAILY = re.compile(r"(?:daily|every day)(?:\s+at)?\s+(\S+)")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_CRON_ALIASES = {"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"}


class ScheduleError(ValueError):
    """A schedule string that can't be understood or isn't allowed."""


def parse_schedule(text: str, tz: ZoneInfo, *, allow_fast: bool = False) -> Schedule:
    """Parse one schedule string; see the module docstring for the forms."""
    spec = " ".join(text.strip().lower().split())
    if not spec:
        raise ScheduleError(f'a schedule is empty; use {SCHEDULE_EXAMPLES}, or "off"')
    if spec in _OFF:
        return DisabledSchedule(text=text.strip())
    if spec.startswith("every") and not _DAILY.fullmatch(spec):
        schedule: Schedule = IntervalSchedule(_parse_interval(spec, text), text=text.strip())
    elif spec.startswith(("daily", "every day")):
        schedule = _parse_daily(spec, text, tz)
    elif spec in _CRON_ALIASES or len(spec.split()) >= 5:
        schedule = _parse_cron(spec, text, tz)
    else:
        raise ScheduleError(f"can't read schedule {text!r}: use {SCHEDULE_EXAMPLES}")
    check_min_period(schedule, allow_fast=allow_fast)
    return schedule


def check_min_period(schedule: Schedule, *, allow_fast: bool) -> None:
    """Refuse schedules firing more than once a minute unless explicitly allowed.

    A typo like "every 1s" instead of "every 1m" would hammer both APIs and
    burn a daily request quota (some back offices have one) within the hour.
    """
    period = schedule.min_period
    if allow_fast or period is None or period >= MIN_PERIOD:
        return
    raise ScheduleError(
        f"schedule {schedule.text!r} fires every {_human(period)}, more often than once a "
        "minute; if you really mean it, set allow_fast = true in the same [schedules] table"
    )


def parse_time_of_day(text: str) -> time:
    """ "03:00" -> time(3, 0); 24-hour clock, minutes required."""
    match = _TIME.fullmatch(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ScheduleError(f"{text!r} is not a time of day; write it as HH:MM, e.g. 03:00")
    return time(int(match[1]), int(match[2]))


def parse_quiet_hours(text: str, tz: ZoneInfo) -> QuietHours:
    """ "01:00-05:00" -> QuietHours; the window may wrap midnight ("22:00-06:00")."""
    start, dash, end = text.partition("-")
    if not dash:
        raise ScheduleError(f'quiet hours {text!r} must be a range like "01:00-05:00"')
    begins, ends = parse_time_of_day(start), parse_time_of_day(end)
    if begins == ends:
        raise ScheduleError(f"quiet hours {text!r} start and end at the same time")
    return QuietHours(begins, ends, tz)


def _parse_interval(spec: str, text: str) -> timedelta:
    body = spec.removeprefix("every").replace(" and ", " ").replace(",", " ").strip()
    parts = _INTERVAL_PART.findall(body)
    if not body or "".join(n + u for n, u in parts) != body.replace(" ", ""):
        raise ScheduleError(f'can\'t read interval {text!r}: write e.g. "every 10 minutes"')
    total = timedelta(0)
    for count, unit in parts:
        if unit not in _UNITS or (not count and len(parts) > 1):
            raise ScheduleError(
                f"can't read interval {text!r}: unknown unit {unit!r} "
                '(use seconds, minutes, hours or days, e.g. "every 10 minutes")'
            )
        total += int(count or 1) * _UNITS[unit]
    if total <= timedelta(0):
        raise ScheduleError(f"interval {text!r} must be longer than zero")
    return total


def _parse_daily(spec: str, text: str, tz: ZoneInfo) -> DailySchedule:
    match = _DAILY.fullmatch(spec)
    if not match:
        raise ScheduleError(f'can\'t read {text!r}: write a daily time as "daily at 03:00"')
    return DailySchedule(parse_time_of_day(match[1]), tz, text=text.strip())


def _parse_cron(spec: str, text: str, tz: ZoneInfo) -> CronSchedule:
    if spec not in _CRON_ALIASES and len(spec.split()) != 5:
        raise ScheduleError(
            f"cron schedule {text!r} has {len(spec.split())} fields; tillsync uses the classic "
            'five: minute hour day-of-month month day-of-week, e.g. "*/10 * * * *"'
        )
    if not croniter.is_valid(spec) or _out_of_range(spec):
        raise ScheduleError(
            f"cron schedule {text!r} is not valid: check each of the five fields "
            '(minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6), e.g. "30 2 * * *"'
        )
    schedule = CronSchedule(spec, tz, text=text.strip())
    try:
        schedule.next_after(datetime.now(UTC))
    except Exception as error:  # croniter gives up on dates that never come
        raise ScheduleError(f"cron schedule {text!r} never fires (e.g. 30 February)") from error
    return schedule


# (name, lowest, highest) of each cron field; weekday 7 is Sunday as well as 0.
_CRON_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("weekday", 0, 7),
)


def _out_of_range(spec: str) -> bool:
    """Numbers croniter lets through but cron does not mean: ``*/61`` in the minute field.

    croniter accepts a step larger than its field and then silently fires
    once an hour; an admin who wrote ``*/61`` meant something else, so it is
    refused like any other out-of-range value.
    """
    if spec in _CRON_ALIASES:
        return False
    for part, (_, low, high) in zip(spec.split(), _CRON_FIELDS, strict=True):
        for item in part.split(","):
            base, _, step = item.partition("/")
            if step and not (step.isdigit() and 1 <= int(step) <= high):
                return True
            numbers = [n for n in base.split("-") if n.isdigit()]
            if any(not low <= int(n) <= high for n in numbers):
                return True
    return False


def _human(period: timedelta) -> str:
    seconds = int(period.total_seconds())
    return f"{seconds} second{'s' if seconds != 1 else ''}"
