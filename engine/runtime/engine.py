"""The Engine facade: the only object the TUI and the CLI talk to.

It owns the state store, the event bus, one :class:`ConnectionRuntime` per
configured connection, their schedulers and the event journal.  Screens and
commands call one method here and render events; they never build clients
or touch the store's tables themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from engine.config import TillsyncConfig
from engine.errors import ConfigError
from engine.events import EventBus
from engine.runtime.connection import ConnectionRuntime, build_connection
from engine.runtime.journal import EventJournal
from engine.scheduler import JobRun, JobStatus, RunRequest, Scheduler, ScheduleTableState
from engine.store import StateStore

__all__ = ["JOBS", "Engine"]

log = logging.getLogger(__name__)

JobCall = Callable[..., Awaitable[Any]]


async def _catalog(conn: ConnectionRuntime, **options: Any) -> Any:
    return await conn.catalog.run(**options)


async def _stock(conn: ConnectionRuntime, **options: Any) -> Any:
    return await conn.stock.run(**options)


async def _reconcile(conn: ConnectionRuntime, *, dry_run: bool = False, **_: Any) -> Any:
    """The nightly full pass: re-read everything and repair drift."""
    catalog = await conn.catalog.run(full=True, dry_run=dry_run)
    stock = await conn.stock.run(full=True, dry_run=dry_run)
    return catalog, stock


JOBS: dict[str, JobCall] = {"catalog": _catalog, "stock": _stock, "reconcile": _reconcile}


class Engine:
    def __init__(self, config: TillsyncConfig, store: StateStore, bus: EventBus) -> None:
        self.config = config
        self.store = store
        self.bus = bus
        self.connections: dict[str, ConnectionRuntime] = {}
        self.schedulers: dict[str, Scheduler] = {}
        self._journal = EventJournal(bus, store)
        self._started = False

    @classmethod
    async def open(cls, config: TillsyncConfig, *, bus: EventBus | None = None) -> Engine:
        """Open the state DB, recover from a crash, and build every enabled connection."""
        store = await StateStore.open(config.engine.state_db)
        await store.recover()
        engine = cls(config, store, bus or EventBus())
        for name, conn in config.enabled_connections.items():
            engine.connections[name] = build_connection(name, conn, store, engine.bus)
        return engine

    def connection(self, name: str | None = None) -> ConnectionRuntime:
        if name is None:
            if len(self.connections) != 1:
                raise ConfigError(
                    f"several connections are configured ({', '.join(self.connections)}): "
                    "name one with --connection"
                )
            return next(iter(self.connections.values()))
        try:
            return self.connections[name]
        except KeyError:
            raise ConfigError(f"no connection named {name!r} in the configuration") from None

    async def run_job(self, job: str, connection: str | None = None, **options: Any) -> Any:
        """Run one job now, in this task (CLI one-off runs, tests, "run now")."""
        if job not in JOBS:
            raise ConfigError(f"unknown job {job!r}; choose one of {', '.join(JOBS)}")
        return await JOBS[job](self.connection(connection), **options)

    async def start(self) -> None:
        """Begin scheduled work: journal, then one scheduler per connection."""
        self._journal.start()
        for name, conn in self.connections.items():
            scheduler = self._scheduler(name, conn)
            await scheduler.start()
            self.schedulers[name] = scheduler
        self._started = True

    def _scheduler(self, name: str, conn: ConnectionRuntime) -> Scheduler:
        schedules = self.config.job_schedules(name)

        def job_func(job: str) -> Callable[[JobRun], Awaitable[None]]:
            async def call(run: JobRun) -> None:
                await JOBS[job](conn)

            return call

        jobs = {job: (schedules[job], job_func(job)) for job in JOBS if job in schedules}
        return Scheduler(
            jobs,
            ScheduleTableState(self.store.schedule),
            connection=name,
            on_error=lambda run, exc: log.error("%s/%s failed: %s", run.connection, run.job, exc),
        )

    def run_now(self, job: str, connection: str | None = None) -> RunRequest:
        conn = self.connection(connection)
        return self.schedulers[conn.name].run_now(job)

    def job_statuses(self) -> list[JobStatus]:
        return [status for s in self.schedulers.values() for status in s.status().values()]

    async def close(self) -> None:
        """Stop scheduled work (letting a running write finish), then close everything."""
        for scheduler in self.schedulers.values():
            await scheduler.stop(timeout=30)
        await self._journal.stop()
        for conn in self.connections.values():
            await conn.aclose()
        await self.store.close()
