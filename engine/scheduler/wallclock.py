"""Turning a local wall-clock time into real instants, DST included.

Schedules are written in local time ("daily at 02:30") but fire at instants.
Twice a year the two disagree, and the rules chosen here are the ones cron
admins expect (Vixie cron):

* a wall time that does not exist (spring forward, 02:30 in
  Europe/Bratislava on the last Sunday of March) fires at the moment the
  clocks jump, i.e. at 03:00 — late, but not skipped;
* a wall time that exists twice (fall back) fires at its first occurrence
  only, unless the caller asks for both (an hourly-or-faster cron job keeps
  firing through the repeated hour).

Every instant returned is an aware datetime in UTC.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, tzinfo

__all__ = ["first_instant", "to_local_naive", "wall_instants"]


def to_local_naive(moment: datetime, tz: tzinfo) -> datetime:
    """The wall-clock reading (no tzinfo) of ``moment`` in ``tz``."""
    return moment.astimezone(tz).replace(tzinfo=None)


def wall_instants(naive: datetime, tz: tzinfo, *, both_folds: bool = False) -> tuple[datetime, ...]:
    """The instants at which the wall clock in ``tz`` reads ``naive``.

    One instant normally; the gap's end for a skipped time; the first
    occurrence (or both, with ``both_folds``) for a repeated time.
    """
    early = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    late = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if to_local_naive(early, tz) != naive:
        return (_gap_end(late, early, tz),)
    if early == late or not both_folds:
        return (early,)
    return (early, late)


def first_instant(naive: datetime, tz: tzinfo) -> datetime:
    """The one instant a once-a-day event at wall time ``naive`` fires."""
    return wall_instants(naive, tz)[0]


def _gap_end(before: datetime, after: datetime, tz: tzinfo) -> datetime:
    """The transition instant inside a spring-forward gap, found by bisection.

    ``before`` is still on the old offset and ``after`` already on the new
    one; zoneinfo exposes no transition list, and bisecting whole POSIX
    seconds works for any gap length (30-minute gaps exist, e.g.
    Australia/Lord_Howe).
    """
    target = after.astimezone(tz).utcoffset()
    low, high = int(before.timestamp()), math.ceil(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == target:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
