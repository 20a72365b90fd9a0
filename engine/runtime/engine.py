"""The Engine facade: the only object the TUI and the CLI talk to.

It owns the state store, the event bus, one :class:`ConnectionRuntime` per
configured connection, their schedulers, the event journal and the order
services.  Screens and commands call one method here and render events or
the records returned; they never build clients or touch the store's tables
themselves.

Two ways to open it:

* ``exclusive=True`` (running jobs: ``run --headless``, ``sync``, the
  dashboard): takes the instance lock on the state database, then recovers
  what a crash left (in-flight orders back to waiting, open runs closed);
* ``exclusive=False`` (``logs``, ``orders``, ``doctor``, ``mappings``): no
  lock and no recovery, so it can run beside the service without
  "recovering" the service's live work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from engine.config import TillsyncConfig, load_config, require_adapters
from engine.errors import ConfigError
from engine.events import EventBus
from engine.instance_lock import InstanceLock
from engine.notify import AlertSink
from engine.runtime.admin import EngineAdmin
from engine.runtime.connection import ConnectionRuntime, build_connection
from engine.runtime.console_actions import ConsoleActions
from engine.runtime.jobs import JOBS, check_options, job_for
from engine.runtime.journal import EventJournal
from engine.runtime.marker_file import MarkerFile, marker_path
from engine.runtime.order_services import OrderServices, build_alerts
from engine.runtime.state_guard import StateGuard
from engine.scheduler import JobRun, JobStatus, RunRequest, Scheduler, ScheduleTableState
from engine.store import StateStore

__all__ = ["JOBS", "Engine"]

log = logging.getLogger(__name__)

STOP_TIMEOUT = 30.0  # seconds a running job may take to finish when the engine stops


class Engine(EngineAdmin, ConsoleActions):
    def __init__(
        self,
        config: TillsyncConfig,
        store: StateStore,
        bus: EventBus,
        lock: InstanceLock | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.bus = bus
        self.connections: dict[str, ConnectionRuntime] = {}
        self.schedulers: dict[str, Scheduler] = {}
        self.alerts: AlertSink = build_alerts(config.notify)
        self.orders = OrderServices(self)
        self._journal = EventJournal(bus, store)
        self._lock = lock
        self._started = False
        self._job_runs: dict[tuple[str, str], asyncio.Lock] = {}  # (connection, job)

    @classmethod
    async def open(
        cls,
        config: TillsyncConfig,
        *,
        bus: EventBus | None = None,
        exclusive: bool = True,
        guard: bool = True,
    ) -> Engine:
        """Open the state DB (locked and recovered when ``exclusive``) and build connections.

        An exclusive open also runs the :class:`StateGuard` (``guard=False`` only
        for ``recover``, which rebuilds what the guard found missing).
        """
        require_adapters(config)  # before anything is opened: nothing to close on refusal
        db = config.engine.state_db
        lock = InstanceLock.acquire(db) if exclusive else None
        try:
            store = await StateStore.open(db)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if exclusive:
            try:
                recovery = await store.recover()
            except BaseException:  # Ctrl-C here too: no DB thread may outlive the command
                await store.close()
                if lock is not None:
                    lock.release()
                raise
            if recovery.orders_back_to_waiting or recovery.runs_closed:
                log.warning("recovered after a crash: %s", recovery)
        engine = cls(config, store, bus or EventBus(), lock)
        try:
            engine._build_connections()
        except BaseException:
            await engine.close()  # an unusable back office must not leave the DB thread running
            raise
        if exclusive and guard:
            await engine._guard_state()
        return engine

    @property
    def markers(self) -> MarkerFile:
        """The marker beside the config (see :mod:`engine.runtime.state_guard`)."""
        return MarkerFile(marker_path(self.config))

    async def _guard_state(self) -> None:
        """Refuse a lost database before anything runs; closes the engine when it refuses."""
        guard = StateGuard(self.store, self.markers)
        try:
            for conn in self.connections.values():
                if conn.worker is not None:
                    await guard.check(conn)
        except BaseException:
            await self.close()
            raise

    def _build_connections(self) -> None:
        public_url = self.config.webhooks.public_url
        for name, conn in self.config.enabled_connections.items():
            self.connections[name] = build_connection(
                name, conn, self.store, self.bus, alerts=self.alerts, public_url=public_url
            )
            self.connections[name].tz = self.config.tz
            self.connections[name].reconcile_mail_always = (
                self.config.notify.reconcile_mail == "always"
            )

    @property
    def exclusive(self) -> bool:
        return self._lock is not None and self._lock.held

    def connection(self, name: str | None = None) -> ConnectionRuntime:
        if name is None:
            if len(self.connections) != 1:
                listed = ", ".join(self.connections) or "none is enabled"
                raise ConfigError(
                    f"several connections are configured ({listed}): name one with --connection",
                    hint=f"e.g. tillsync --connection {next(iter(self.connections), 'NAME')} …",
                )
            return next(iter(self.connections.values()))
        try:
            return self.connections[name]
        except KeyError:
            known = ", ".join(self.connections) or "none is enabled"
            raise ConfigError(
                f"no enabled connection named {name!r} in the configuration",
                hint=f"the enabled connections are: {known}",
            ) from None

    async def run_job(self, job: str, connection: str | None = None, **options: Any) -> Any:
        """Run one job now, in this task (CLI one-off runs, tests, "run now").

        Options are the job's own (``full``, ``dry_run``, ``only_new``, ``skus``);
        one the job does not take is refused before anything runs.
        """
        self._require_exclusive(f"run the {job} job")
        conn = self.connection(connection)
        chosen = job_for(job, conn)
        checked = check_options(chosen, options)
        self._journal.start()  # a one-off run's events belong in the log like any other
        async with self._one_run(conn.name, job):
            return await chosen.call(conn, **checked)

    def _one_run(self, connection: str, job: str) -> asyncio.Lock:
        """Held while a job runs on a connection: a "run now" from an attached console or a
        ``tillsync sync`` sent to the service waits for the scheduled run, never overlaps it."""
        return self._job_runs.setdefault((connection, job), asyncio.Lock())

    def _require_exclusive(self, action: str) -> None:
        if not self.exclusive:
            raise ConfigError(f"cannot {action}: this engine was opened read-only")

    async def start(self) -> None:
        """Begin scheduled work: journal, one scheduler per connection, order services."""
        self._require_exclusive("start scheduled work")
        self._journal.start()
        for name, conn in self.connections.items():
            scheduler = self._scheduler(name, conn)
            await scheduler.start()
            self.schedulers[name] = scheduler
        await self.orders.start()
        self._started = True

    def _scheduler(self, name: str, conn: ConnectionRuntime) -> Scheduler:
        schedules = self.config.job_schedules(name)

        def job_func(job: str) -> Callable[[JobRun], Awaitable[None]]:
            async def call(run: JobRun) -> None:
                async with self._one_run(name, job):
                    await JOBS[job].call(conn)

            return call

        runnable = [job for job in JOBS if job in schedules and self._can_run(job, conn)]
        return Scheduler(
            {job: (schedules[job], job_func(job)) for job in runnable},
            ScheduleTableState(self.store.schedule),
            connection=name,
            on_error=lambda run, exc: log.error("%s/%s failed: %s", run.connection, run.job, exc),
        )

    @staticmethod
    def _can_run(job: str, conn: ConnectionRuntime) -> bool:
        try:
            job_for(job, conn)
        except ConfigError as refused:
            log.info("%s: %s job not scheduled: %s", conn.name, job, refused.message)
            return False
        return True

    def run_now(self, job: str, connection: str | None = None) -> RunRequest:
        conn = self.connection(connection)
        scheduler = self.schedulers.get(conn.name)
        if scheduler is None:
            raise ConfigError("the engine is not running its schedules (start() it first)")
        return scheduler.run_now(job)

    def job_statuses(self) -> list[JobStatus]:
        return [status for s in self.schedulers.values() for status in s.status().values()]

    async def stop(self, *, timeout: float = STOP_TIMEOUT) -> bool:  # noqa: ASYNC109
        """Stop taking new work; let running jobs finish (up to ``timeout``, then cancel).

        Returns True when every running job finished on its own.  The store
        stays open (events of the last runs are still journaled); ``close()``
        follows.
        """
        # all at once: no scheduler may fire a new run while the order worker winds down
        stopped = await asyncio.gather(
            self.orders.stop(), *(s.stop(timeout=timeout) for s in self.schedulers.values())
        )
        finished = all(stopped[1:])
        self.schedulers.clear()
        self._started = False
        return finished

    async def reload(self) -> None:
        """Read the config file again and carry on with it (settings saved by a console).

        The running service takes new settings without a restart, so attached
        consoles stay attached.  A file that does not load is refused before
        anything stops; the state database, its lock and the event bus stay.
        """
        self._require_exclusive("reload the settings")
        if self.config.source is None:
            raise ConfigError("these settings were not read from a file: nothing to reload")
        config = load_config(self.config.source)
        require_adapters(config)
        if config.engine.state_db != self.config.engine.state_db:
            raise ConfigError(
                "engine.state_db changed: that takes a restart",
                hint="systemctl restart tillsync (or quit and start the console again)",
            )
        started = self._started
        await self.stop()
        for conn in self.connections.values():
            await conn.aclose()
        with contextlib.suppress(Exception):
            await self.alerts.aclose()
        self.config, self.alerts = config, build_alerts(config.notify)
        self.orders, self.connections = OrderServices(self), {}
        self._build_connections()
        if started:
            await self.start()
        log.info("settings reloaded from %s", config.source)

    async def close(self, *, timeout: float = STOP_TIMEOUT) -> None:  # noqa: ASYNC109
        """Stop scheduled work (letting a running write finish), then close everything."""
        try:
            await self.stop(timeout=timeout)
            await self._journal.stop()
            for conn in self.connections.values():
                await conn.aclose()
            with contextlib.suppress(Exception):  # unsent alerts are in the log already
                await self.alerts.aclose()
        finally:
            await self.store.close()
            if self._lock is not None:
                self._lock.release()

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(self, *exc: object) -> Literal[False]:
        await self.close()
        return False
