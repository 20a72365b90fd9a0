"""Short human times for cards and tables: "3m ago", "in 7m", "12.3s".

WHY relative: an admin glancing at the dashboard over SSH wants "did it run
recently", not a timestamp to subtract in their head.  Every function takes
``now`` explicitly so screens (and snapshot tests) control the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["ago", "clock_time", "duration", "span", "until"]


def span(delta: timedelta) -> str:
    """A compact length of time: 45s, 12m, 3h 05m, 2d 4h."""
    seconds = int(abs(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    if now - moment < timedelta(seconds=5):
        return "just now"
    return f"{span(now - moment)} ago"


def until(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "not scheduled"
    if moment - now <= timedelta(seconds=1):
        return "due now"
    return f"in {span(moment - now)}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return span(timedelta(seconds=seconds))


def clock_time(moment: datetime, tz: object | None = None) -> str:
    """HH:MM:SS in the engine's time zone (the admin's wall clock)."""
    local = moment.astimezone(tz) if tz is not None else moment  # type: ignore[arg-type]
    return local.strftime("%H:%M:%S")
