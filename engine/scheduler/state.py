"""Where the scheduler remembers, across restarts, when each job fires next.

The real implementation lives in the engine's StateStore (SQLite); the
scheduler only depends on this protocol, and tests use the in-memory one.
A persisted next fire that lies in the past when tillsync starts is how a
missed run (downtime, reboot, crash mid-run) is detected and caught up once.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol, runtime_checkable

__all__ = ["InMemoryScheduleStateStore", "ScheduleState", "ScheduleStateStore"]


class ScheduleState(NamedTuple):
    """One job's persisted timing; both None for a job that never ran."""

    next_fire: datetime | None = None
    last_fire: datetime | None = None


@runtime_checkable
class ScheduleStateStore(Protocol):
    """Persistence of :class:`ScheduleState` per (connection, job).

    ``load`` returns ``(next_fire, last_fire)`` — a plain tuple is fine —
    with aware datetimes (or None).  ``save`` must be durable when it returns.
    """

    async def load(self, connection: str, job: str) -> tuple[datetime | None, datetime | None]:
        """The saved state, or ``(None, None)`` when nothing was saved yet."""
        ...

    async def save(
        self,
        connection: str,
        job: str,
        next_fire: datetime | None,
        last_fire: datetime | None,
    ) -> None:
        """Replace the saved state of one job."""
        ...


class InMemoryScheduleStateStore:
    """A dict-backed store for tests and for running without a database."""

    def __init__(self, initial: dict[tuple[str, str], ScheduleState] | None = None) -> None:
        self.states: dict[tuple[str, str], ScheduleState] = dict(initial or {})
        self.saves = 0

    async def load(self, connection: str, job: str) -> ScheduleState:
        return self.states.get((connection, job), ScheduleState())

    async def save(
        self,
        connection: str,
        job: str,
        next_fire: datetime | None,
        last_fire: datetime | None,
    ) -> None:
        self.states[(connection, job)] = ScheduleState(next_fire, last_fire)
        self.saves += 1
