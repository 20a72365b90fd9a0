"""The period a reconciliation covers: whole days in the engine's time zone.

WHY whole local days: an accountant closes "yesterday" as the shop's
calendar says, not as UTC does; the bounds are turned into UTC instants
once, here, and everything downstream compares instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = ["Period", "days", "parse_day", "period_of", "yesterday"]


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; ``first`` and ``last`` are the local days it covers."""

    start: datetime
    end: datetime
    first: date
    last: date

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first} to {self.last}"

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def days(first: date, last: date, tz: tzinfo) -> Period:
    """The local days ``first`` to ``last``, both included."""
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    return Period(_midnight(first, tz), _midnight(last + timedelta(days=1), tz), first, last)


def yesterday(tz: tzinfo, now: datetime | None = None) -> Period:
    """The default period: the whole local day before ``now``."""
    today = (now or datetime.now(UTC)).astimezone(tz).date()
    day = today - timedelta(days=1)
    return days(day, day, tz)


def parse_day(text: str) -> date:
    """``YYYY-MM-DD``, or ValueError naming what was given."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def period_of(first: str | None, last: str | None, tz: tzinfo) -> Period:
    """``--from`` / ``--to`` as given (one alone: that day); neither: yesterday."""
    if not first and not last:
        return yesterday(tz)
    start = parse_day(first or last or "")
    return days(start, parse_day(last or first or ""), tz)
