"""Where the scheduler remembers, across restarts, when each job fires next.

The real implementation lives in the engine's StateStore (SQLite); the
scheduler only depends on this protocol, and tests use the in-memory one.
A persisted next fire that lies in the past when tillsync starts is how a
missed run (downtime, reboot, crash mid-run) is detected and caught up once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, Protocol, runtime_checkable

__all__ = [
    "InMemoryScheduleStateStore",
    "ScheduleState",
    "ScheduleStateStore",
    "ScheduleTable",
    "ScheduleTableState",
]


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


class ScheduleTable(Protocol):
    """The shape of the state store's schedule table (``StateStore.schedule``)."""

    async def get(self, job: str, *, connection: str = ...) -> Any: ...

    async def set_next(
        self, job: str, next_fire_at: datetime | None, *, connection: str = ...
    ) -> None: ...

    async def record_fire(
        self, job: str, fired_at: datetime, next_fire_at: datetime | None, *, connection: str = ...
    ) -> None: ...


class ScheduleTableState:
    """:class:`ScheduleStateStore` over the state store's schedule table.

    Duck-typed (no import of engine.store) so the scheduler stays usable and
    testable on its own: ``Scheduler(jobs, ScheduleTableState(store.schedule))``.
    """

    def __init__(self, table: ScheduleTable) -> None:
        self._table = table

    async def load(self, connection: str, job: str) -> ScheduleState:
        entry = await self._table.get(job, connection=connection)
        if entry is None:
            return ScheduleState()
        return ScheduleState(entry.next_fire_at, entry.last_fire_at)

    async def save(
        self,
        connection: str,
        job: str,
        next_fire: datetime | None,
        last_fire: datetime | None,
    ) -> None:
        if last_fire is None:
            await self._table.set_next(job, next_fire, connection=connection)
        else:
            await self._table.record_fire(job, last_fire, next_fire, connection=connection)
