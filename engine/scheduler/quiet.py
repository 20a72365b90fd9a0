"""Quiet hours: a daily window in which heavy (full) syncs don't start.

A shop's nightly backup, the POS's end-of-day closing or simply the
merchant's wish keeps the back office busy at certain hours; a full
reconcile started then would compete with it.  A heavy job whose fire falls
inside the window starts at the window's end instead — once, however many
of its fires the window swallowed.  A run already going when the window
opens is left to finish: quiet hours gate starts, they don't kill work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.scheduler.schedule import Schedule
from engine.scheduler.wallclock import first_instant, to_local_naive

__all__ = ["QuietHours", "QuietSchedule"]


@dataclass(frozen=True)
class QuietHours:
    """A local wall-clock window [start, end); it may wrap midnight (22:00-06:00)."""

    start: time
    end: time
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("quiet hours must not start and end at the same time")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: datetime) -> bool:
        """Whether the local wall clock at ``moment`` reads inside the window."""
        wall = to_local_naive(moment, self.tz).time()
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def window_end(self, moment: datetime) -> datetime:
        """The first instant after ``moment`` at which the window closes."""
        day = to_local_naive(moment, self.tz).date()
        while True:
            end = first_instant(datetime.combine(day, self.end), self.tz)
            if end > moment:
                return end
            day += timedelta(days=1)


@dataclass(frozen=True)
class QuietSchedule(Schedule):
    """A heavy job's schedule with its starts moved out of quiet hours."""

    inner: Schedule
    quiet: QuietHours

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"{self.inner.text} (not during {self.quiet})"

    def next_after(self, moment: datetime) -> datetime | None:
        fire = self.inner.next_after(moment)
        return None if fire is None else self.admit(fire)

    def admit(self, moment: datetime) -> datetime:
        return self.quiet.window_end(moment) if self.quiet.contains(moment) else moment

    @property
    def min_period(self) -> timedelta | None:
        return self.inner.min_period
