"""Each job's effective schedule on one connection.

The ``[schedules]`` table gives defaults; ``[connections.<name>.schedules]``
overrides single keys.  Strings are checked for syntax when the file is
read; here they are parsed for real, in the configured time zone, with the
fast-schedule guard of whichever table set ``allow_fast``, and heavy jobs
get the quiet-hours window.  Errors name the key that holds the string.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from engine.config.problems import ConfigFileError, ConfigProblem
from engine.config.values import JOB_NAMES
from engine.errors import ConfigError
from engine.scheduler import (
    QuietHours,
    QuietSchedule,
    Schedule,
    ScheduleError,
    parse_quiet_hours,
    parse_schedule,
)

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from engine.config.models import TillsyncConfig

__all__ = ["resolve_job_schedules"]

_NO_QUIET = {"", "off", "none"}


def resolve_job_schedules(config: TillsyncConfig, connection: str) -> dict[str, Schedule]:
    """``{job: Schedule}`` for every job in JOB_NAMES; raises ConfigFileError."""
    if connection not in config.connections:
        known = ", ".join(config.connections)
        raise ConfigError(f"no connection {connection!r} in the config (connections: {known})")
    pick = _Picker(config, connection)
    problems: list[ConfigProblem] = []
    allow_fast, _ = pick("allow_fast")
    heavy, _ = pick("heavy")
    quiet = _quiet_hours(pick, config.tz, problems)
    schedules: dict[str, Schedule] = {}
    floor = _backend_floor(config, connection)
    for job in JOB_NAMES:
        text, key = pick(job)
        try:
            schedule = parse_schedule(text, config.tz, allow_fast=allow_fast)
            schedule = _at_floor(schedule, floor, key, config.tz)
        except ScheduleError as error:
            problems.append(_problem(config, key, str(error)))
            continue
        schedules[job] = QuietSchedule(schedule, quiet) if quiet and job in heavy else schedule
    if problems:
        raise ConfigFileError(problems)
    return schedules


def _backend_floor(config: TillsyncConfig, connection: str) -> tuple[str, timedelta] | None:
    """The connection's back office's schedule floor, with its title for messages."""
    from engine.backends import backend_entry

    try:
        entry = backend_entry(config.connections[connection].backend.type)
    except (ConfigError, AttributeError):
        return None
    return (entry.title, entry.schedule_floor) if entry.schedule_floor else None


def _at_floor(
    schedule: Schedule, floor: tuple[str, timedelta] | None, key: tuple[str, ...], tz: ZoneInfo
) -> Schedule:
    """A default faster than the back office allows is raised to its floor; a schedule
    the admin set on the connection is refused instead (they asked for it)."""
    period = schedule.min_period
    if floor is None or period is None or period >= floor[1]:
        return schedule
    title, minimum = floor
    minutes = max(1, int(minimum.total_seconds() // 60))
    if key[0] == "schedules":
        return parse_schedule(f"every {minutes} minutes", tz)
    raise ScheduleError(
        f"schedule {schedule.text!r} is more often than {title} allows: every {minutes} "
        "minutes or more, or daily at a set time"
    )


class _Picker:
    """Reads a key from the connection's overrides, else from the defaults."""

    def __init__(self, config: TillsyncConfig, connection: str) -> None:
        self._defaults = config.schedules
        self._overrides = config.connections[connection].schedules
        self._prefix = ("connections", connection, "schedules")

    def __call__(self, name: str) -> tuple[Any, tuple[str, ...]]:
        value = getattr(self._overrides, name)
        if value is not None:
            return value, (*self._prefix, name)
        return getattr(self._defaults, name), ("schedules", name)


def _quiet_hours(pick: _Picker, tz: ZoneInfo, problems: list[ConfigProblem]) -> QuietHours | None:
    text, key = pick("quiet_hours")
    if text is None or text.strip().lower() in _NO_QUIET:
        return None
    try:
        return parse_quiet_hours(text, tz)
    except ScheduleError as error:  # syntax was checked on load; kept for direct callers
        problems.append(ConfigProblem(key, str(error)))
        return None


def _problem(config: TillsyncConfig, key: tuple[str, ...], message: str) -> ConfigProblem:
    source = str(config.source) if config.source is not None else ""
    return ConfigProblem(key, message, source=source)
