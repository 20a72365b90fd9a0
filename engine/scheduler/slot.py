"""The scheduler's mutable bookkeeping for one job (internal to the scheduler)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from engine.scheduler.schedule import Schedule
from engine.scheduler.status import JobRun, Trigger

__all__ = ["JobFunc", "Slot", "as_utc", "describe"]

JobFunc = Callable[[JobRun], Awaitable[object]]


@dataclass
class Slot:
    """One job's live state; only the scheduler mutates it, on the event loop."""

    name: str
    schedule: Schedule
    func: JobFunc
    next_fire: datetime | None = None
    next_trigger: Trigger = Trigger.SCHEDULE
    last_fire: datetime | None = None
    manual: bool = False
    task: asyncio.Task[None] | None = None
    last_error: str | None = None

    def take_due(self, now: datetime) -> Trigger | None:
        """The trigger of a run that should start now, consuming a manual request."""
        if self.manual:
            self.manual = False
            return Trigger.MANUAL
        if self.next_fire is not None and self.next_fire <= now:
            return self.next_trigger
        return None


def as_utc(moment: datetime | None) -> datetime | None:
    """Stores may hand back naive UTC (SQLite has no time zones): make it aware."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
