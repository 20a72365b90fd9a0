"""When a job fires: intervals, daily times and cron expressions.

A schedule is a pure function of time — "the next fire strictly after
``moment``" — so it can be unit-tested without a clock, shown in the UI as
a list of upcoming fires, and recomputed after any downtime.  Every instant
in and out is an aware datetime; results are in UTC.  Local-time schedules
follow the DST rules documented in :mod:`engine.scheduler.wallclock`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from engine.scheduler.wallclock import first_instant, to_local_naive, wall_instants

__all__ = [
    "CronSchedule",
    "DailySchedule",
    "DisabledSchedule",
    "IntervalSchedule",
    "Schedule",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A DST shift moves wall time against real time by at most this much.
_DST_SLACK = timedelta(hours=3)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"schedules work on aware datetimes, got naive {moment.isoformat()}")


class Schedule(ABC):
    """The common shape of every schedule; see the module docstring."""

    text: str

    @abstractmethod
    def next_after(self, moment: datetime) -> datetime | None:
        """The first fire strictly after ``moment``, or None if it never fires."""

    @property
    @abstractmethod
    def min_period(self) -> timedelta | None:
        """The shortest gap between two fires (None: never fires)."""

    def admit(self, moment: datetime) -> datetime:
        """The earliest instant at or after ``moment`` a run may start.

        Plain schedules admit any instant; a schedule with quiet hours moves
        a start that falls inside the window to the window's end.
        """
        return moment

    def next_fires(self, after: datetime, n: int = 5) -> tuple[datetime, ...]:
        """The next ``n`` fires after ``after``, for the UI's "upcoming" list."""
        fires: list[datetime] = []
        moment: datetime | None = after
        while len(fires) < n and moment is not None:
            moment = self.next_after(moment)
            if moment is not None:
                fires.append(moment)
        return tuple(fires)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class IntervalSchedule(Schedule):
    """Fires every ``every``, aligned to multiples of it since the UTC epoch.

    Alignment makes the fire times stateless (the same after any restart)
    and evenly spaced in real time: a DST change neither doubles nor drops
    a run of an interval job.
    """

    every: timedelta
    text: str = ""

    def __post_init__(self) -> None:
        if self.every <= timedelta(0):
            raise ValueError("an interval must be longer than zero")

    def next_after(self, moment: datetime) -> datetime:
        _require_aware(moment)
        elapsed = moment.astimezone(UTC) - _EPOCH
        slots = elapsed // self.every + 1
        return _EPOCH + slots * self.every

    @property
    def min_period(self) -> timedelta:
        return self.every


@dataclass(frozen=True)
class DailySchedule(Schedule):
    """Fires once a day at a local wall-clock time in ``tz``."""

    at: time
    tz: ZoneInfo
    text: str = ""

    def next_after(self, moment: datetime) -> datetime:
        _require_aware(moment)
        day = to_local_naive(moment, self.tz).date() - timedelta(days=1)
        while True:
            fire = first_instant(datetime.combine(day, self.at), self.tz)
            if fire > moment:
                return fire
            day += timedelta(days=1)

    @property
    def min_period(self) -> timedelta:
        return timedelta(hours=23)  # a day shortened by spring-forward


@dataclass(frozen=True)
class CronSchedule(Schedule):
    """A five-field cron expression evaluated on the wall clock of ``tz``.

    Jobs that fire in every hour keep firing through a repeated (fall-back)
    hour; jobs at fixed hours fire once.  Times inside a spring-forward gap
    fire when the clocks jump, collapsed into one run.
    """

    expression: str
    tz: ZoneInfo
    text: str = ""
    _every_hour: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hours = croniter(self.expression).expanded[1]
        object.__setattr__(self, "_every_hour", hours == ["*"] or len(set(hours)) == 24)

    def next_after(self, moment: datetime) -> datetime:
        _require_aware(moment)
        before, after = moment - _DST_SLACK, moment + _DST_SLACK
        near_shift = before.astimezone(self.tz).utcoffset() != after.astimezone(self.tz).utcoffset()
        return self._search(moment, near_shift)

    def _search(self, moment: datetime, near_shift: bool) -> datetime:
        """Walk wall times in order; near a DST shift, look around for reordering.

        Close to a shift, wall-time order and real-time order disagree (the
        repeated hour), so the walk starts earlier and keeps the earliest
        instant until it is safely past any reordering.
        """
        slack = _DST_SLACK if near_shift else timedelta(0)
        wall = to_local_naive(moment, self.tz) - slack
        wall_times = croniter(self.expression, wall)
        best: datetime | None = None
        horizon: datetime | None = None
        while horizon is None or wall < horizon:
            wall = wall_times.get_next(datetime)
            for fire in wall_instants(wall, self.tz, both_folds=self._every_hour):
                if fire > moment and (best is None or fire < best):
                    best, horizon = fire, wall + 2 * slack
        assert best is not None
        return best

    @property
    def min_period(self) -> timedelta:
        return timedelta(minutes=1)


@dataclass(frozen=True)
class DisabledSchedule(Schedule):
    """A job switched off in the config; it still runs when triggered by hand."""

    text: str = "off"

    def next_after(self, moment: datetime) -> None:
        return None

    @property
    def min_period(self) -> None:
        return None
