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

Each admin method is what one CLI command (or one dashboard button) does, so
the command and the screen stay free of business rules: which link kinds a
reset forgets (and that their cursors go with them, or the next incremental
run would never re-read the unlinked products), which states an order may be
retried from.  A console action checks what the back office can do, makes the
store's move, logs it as an event (the log screen and ``tillsync logs`` show
who did what) and wakes the connection's order worker when the move gives it
work: a screen that wrote to the store itself left no trace in the log, woke
no worker and asked no capability.  (These methods were mixins in
``admin.py``/``console_actions.py``, split only for the line count; issue 15.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from engine.backends import Capability
from engine.config import TillsyncConfig, load_config, require_adapters, secrets_path_for
from engine.errors import ConfigError
from engine.events import EventBus, Level, LogEvent, OrderStateChanged
from engine.instance_lock import InstanceLock
from engine.notify import AlertSink
from engine.runtime.connection import ConnectionRuntime, build_connection
from engine.runtime.doctor import DoctorReport, check_connection, check_database, delivery_url
from engine.runtime.doctor_start import check_start_point
from engine.runtime.event_feed import events_after, latest_events
from engine.runtime.event_jobs import ADMIN_JOB
from engine.runtime.jobs import JOBS, check_options, job_for
from engine.runtime.journal import EventJournal
from engine.runtime.mapping_checks import check_mapping_values
from engine.runtime.mappings_file import parse_mappings, render_mappings
from engine.runtime.marker_file import MarkerFile, marker_path
from engine.runtime.order_desk import explained_transition, list_orders
from engine.runtime.order_services import OrderServices, build_alerts
from engine.runtime.secrets_file import store_secret
from engine.runtime.state_guard import StateGuard
from engine.runtime.tax_classes import checked_tax_classes, tax_class_check
from engine.runtime.views_orders import OrderDetail, order_detail
from engine.scheduler import JobRun, JobStatus, RunRequest, Scheduler, ScheduleTableState
from engine.store import (
    MappingKind,
    OutboxEntry,
    OutboxState,
    Run,
    StateStore,
    StoredEvent,
    UnknownOrderError,
    WriteBackDebt,
)
from engine.sync.catalog import PRODUCT_CURSOR
from engine.sync.catalog_writer import PRODUCT, STOCK
from engine.sync.categories import CATEGORY_CURSOR
from engine.sync.orders import install_webhooks, new_webhook_secret

__all__ = [
    "ADMIN_JOB",
    "JOBS",
    "LINK_GROUPS",
    "Engine",
    "LinkGroup",
    "WebhookSetup",
    "seed_mappings",
]

log = logging.getLogger(__name__)

STOP_TIMEOUT = 30.0  # seconds a running job may take to finish when the engine stops


LinkGroup = Literal["products", "categories"]
# what "forget the links of X" deletes: link kinds, and cursors (exact name or "prefix.")
LINK_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "products": ((PRODUCT, STOCK), (PRODUCT_CURSOR, "stock.")),
    "categories": (("category",), (CATEGORY_CURSOR,)),
}


@dataclass(frozen=True)
class WebhookSetup:
    """What ``install_webhooks`` did; ``secret_stored_in`` is set when it made a new secret."""

    connection: str
    delivery_url: str
    created: tuple[str, ...]
    updated: tuple[str, ...]
    secret_stored_in: Path | None = None
    recreated: tuple[str, ...] = ()
    ping_failures: tuple[tuple[str, int], ...] = ()  # (topic, status; 0 = no answer)


class Engine:
    """The facade over the store, the connections, their schedulers and the order services."""

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

    # -- admin: one method per CLI command or dashboard button -----------------

    def _name(self, connection: str | None) -> str:
        return self.connection(connection).name

    async def doctor(self, connection: str | None = None) -> DoctorReport:
        """*Network.*  Every check of every (or the named) connection, then the database."""
        names = [self._name(connection)] if connection else list(self.connections)
        public_url = self.config.webhooks.public_url
        checks = []
        for name in names:
            checks.extend(await check_connection(self.connections[name], public_url))
            checks.append(await tax_class_check(self.connections[name], self.store))
            checks.append(await check_start_point(self.connections[name]))
        checks.extend(await check_database(self.store))
        return DoctorReport(tuple(checks))

    async def orders_list(
        self, state: str | None = None, connection: str | None = None, limit: int = 50
    ) -> list[OutboxEntry]:
        return await list_orders(self.store, self._name(connection), state, limit)

    async def orders_show(self, order_id: int, connection: str | None = None) -> OrderDetail:
        """The order as the console's debugger shows it: one read model for both."""
        name = self._name(connection)
        detail = await order_detail(self, name, order_id)
        if detail is None:
            raise UnknownOrderError(
                f"order #{order_id} is not in the {name!r} outbox",
                hint="`tillsync orders list` shows the orders tillsync knows",
            )
        return detail

    async def orders_retry(self, order_id: int, connection: str | None = None) -> OutboxEntry:
        """A failed, held or skipped order becomes due now (the worker picks it up)."""
        name = self._name(connection)
        with explained_transition("retry"):
            entry = await self.store.outbox.retry(order_id, connection=name)
        self._order_changed(name, entry, "retry queued by the admin")  # other consoles see it
        self._wake(self.connection(name))
        return entry

    async def orders_skip(
        self, order_id: int, reason: str = "skipped by the admin", connection: str | None = None
    ) -> OutboxEntry:
        """The order will not be sent to the back office (until retried)."""
        name = self._name(connection)
        with explained_transition("skip"):
            entry = await self.store.outbox.skip(order_id, reason, connection=name)
        self._order_changed(name, entry, f"skipped by the admin: {reason}")
        return entry

    async def reset_links(self, group: LinkGroup, connection: str | None = None) -> dict[str, int]:
        """Forget which WooCommerce objects match which back-office ones.

        Nothing is deleted in WooCommerce; the next run re-reads everything and
        matches by SKU (products) or by name and parent (categories) again.
        Returns how many links of each kind went, plus ``cursors`` rewound.
        """
        name = self._name(connection)
        kinds, cursors = LINK_GROUPS[group]
        removed: dict[str, int] = {}
        async with self.store.transaction():
            for kind in kinds:
                removed[kind] = await self.store.links.delete_kind(kind, connection=name)
            removed["cursors"] = await self._rewind(name, cursors)
        return removed

    async def _rewind(self, connection: str, names: tuple[str, ...]) -> int:
        rewound = 0
        for cursor in await self.store.cursors.entries(connection=connection):
            if any(
                cursor.name == n or (n.endswith(".") and cursor.name.startswith(n)) for n in names
            ):
                await self.store.cursors.delete(cursor.name, connection=connection)
                rewound += 1
        return rewound

    async def export_mappings(self, connection: str | None = None) -> str:
        """Every mapping of the connection as a reviewable TOML document."""
        name = self._name(connection)
        return render_mappings(await self.store.mappings.export_all(connection=name), name)

    async def import_mappings(
        self, text: str, connection: str | None = None, *, source: str = "mappings file"
    ) -> int:
        """Replace the kinds present in ``text`` (checked whole first); returns pairs written."""
        parsed = parse_mappings(text, source)
        await check_mapping_values(self.connection(connection), parsed, source)
        if parsed.get(MappingKind.TAX_CLASS):  # an unknown class would sell at standard rate
            conn = self.connection(connection)
            pairs = parsed[MappingKind.TAX_CLASS]
            parsed[MappingKind.TAX_CLASS] = await checked_tax_classes(conn, pairs, source)
        return await self.store.mappings.import_all(parsed, connection=self._name(connection))

    async def install_webhooks(self, connection: str | None = None) -> WebhookSetup:
        """*Network.*  Register (or re-key and re-activate) the order webhooks in WooCommerce.

        Uses the configured webhook secret; without one, generates a secret and
        stores it in secrets.toml first, so the engine checks signatures with it
        from its next start.
        """
        conn = self.connection(connection)
        public_url = self.config.webhooks.public_url
        if not public_url:
            raise ConfigError(
                "[webhooks] public_url is not set: WooCommerce needs an address to deliver to",
                hint='set public_url = "https://sync.example.com/webhooks" (the address your '
                "reverse proxy serves, see docs/deploy.md), then run this again",
            )
        url = delivery_url(str(public_url), conn.name)
        assert url is not None
        stored = None
        if conn.webhook_secret is not None:
            secret = conn.webhook_secret.get_secret_value()
        else:
            secret, stored = new_webhook_secret(), self._secrets_path()
            store_secret(stored, ("connections", conn.name, "woo"), "webhook_secret", secret)
        done = await install_webhooks(conn.woo, url, secret=secret)
        return WebhookSetup(
            conn.name, url, done.created, done.updated, stored, done.recreated, done.ping_failures
        )

    def _secrets_path(self) -> Path:
        if self.config.source is None:
            raise ConfigError("the configuration was not loaded from a file; cannot store secrets")
        return secrets_path_for(self.config.source)

    async def query_events(
        self,
        *,
        level: str | None = None,
        job: str | None = None,
        connection: str | None = None,
        limit: int = 50,
        after_id: int | None = None,
    ) -> list[StoredEvent]:
        """Stored events, oldest first: the newest ``limit``, or all after ``after_id``."""
        name = self._name(connection) if connection else None
        if after_id is not None:
            return await events_after(self.store, after_id, level=level, job=job, connection=name)
        return await latest_events(self.store, level=level, job=job, connection=name, limit=limit)

    # -- console actions: checked, logged as events, the worker woken ----------

    def _logged(self, conn: str, text: str, entity: str = "") -> None:
        log.info("%s: %s", conn, text)
        self.bus.publish(LogEvent(text=text, job=ADMIN_JOB, connection=conn, entity=entity))

    def _order_changed(self, conn: str, entry: OutboxEntry, text: str) -> None:
        self._logged(conn, f"order #{entry.woo_order_id} {text}", f"order:{entry.woo_order_id}")
        self.bus.publish(
            OrderStateChanged(
                woo_order_id=entry.woo_order_id,
                state=entry.state.value,
                detail=text,
                level=Level.WARNING if entry.state is OutboxState.VOIDING else Level.INFO,
                connection=conn,
            )
        )

    @staticmethod
    def _wake(conn: ConnectionRuntime) -> None:
        if conn.worker is not None:
            conn.worker.wake()

    def can_void(self, connection: str | None = None) -> bool:
        """Whether the back office can reverse a booked sale (the console hides "void" if not)."""
        return Capability.SALES_VOID in self.connection(connection).backend.capabilities

    async def orders_void(
        self, order_id: int, reason: str = "voided by the admin", connection: str | None = None
    ) -> OutboxEntry:
        """*Irreversible.*  Queue a reversal of a booked order; the worker books it next."""
        conn = self.connection(connection)
        if not self.can_void(conn.name):
            raise ConfigError(
                f"the {conn.backend.name} back office cannot void sales through its API",
                hint="reverse the sale in the back office itself",
            )
        with explained_transition("void"):
            entry = await self.store.outbox.mark_voiding(order_id, reason, connection=conn.name)
        self._order_changed(conn.name, entry, f"to be reversed by the admin: {reason}")
        self._wake(conn)
        return entry

    async def release_held(self, connection: str | None = None) -> int:
        """Every held order is checked again now (after the admin fixed a mapping)."""
        conn = self.connection(connection)
        released = await self.store.outbox.release_held(conn.name)
        self._logged(conn.name, f"{released} held order(s) released by the admin")
        self._wake(conn)
        return released

    async def unlink(self, kind: str, backoffice_id: str, connection: str | None = None) -> bool:
        """Forget one product link; the next catalog run matches it again by SKU."""
        name = self.connection(connection).name
        gone = await self.store.links.delete(kind, backoffice_id, connection=name)
        entity = f"{kind}:{backoffice_id}"
        self._logged(name, f"{kind} {backoffice_id} unlinked by the admin", entity)
        return bool(gone)

    async def clear_skip(self, kind: str, key: str, connection: str | None = None) -> bool:
        """A skipped item is tried again on the next run."""
        name = self.connection(connection).name
        cleared = await self.store.skipped.clear(kind, key, connection=name)
        self._logged(name, f"{kind} {key}: skip cleared by the admin", f"{kind}:{key}")
        return cleared

    async def save_mappings(
        self, kind: MappingKind, changes: Mapping[str, str | None], connection: str | None = None
    ) -> int:
        """Set (or, for None, delete) mappings of one kind in one transaction."""
        name = self.connection(connection).name
        mappings = self.store.mappings
        async with self.store.transaction():
            for source, target in changes.items():
                if target is None:
                    await mappings.delete(kind, source, connection=name)
                else:
                    await mappings.set(kind, source, target, connection=name)
        self._logged(name, f"{len(changes)} {kind.value} mapping(s) saved by the admin")
        return len(changes)

    async def writebacks(self, connection: str | None = None) -> list[WriteBackDebt]:
        """Receipt numbers not yet in WooCommerce: dead ones (need the admin) first."""
        return await self.store.writebacks.entries(connection=self.connection(connection).name)

    async def writeback_retry(self, order_id: int, connection: str | None = None) -> bool:
        """Try a write-back now (a dead one too: after fixing the order in WooCommerce)."""
        conn = self.connection(connection)
        retried = await self.store.writebacks.retry(order_id, connection=conn.name)
        if retried:
            text = f"order #{order_id}: receipt write-back retried by the admin"
            self._logged(conn.name, text, f"order:{order_id}")
            self._wake(conn)
        return retried

    async def writeback_dismiss(self, order_id: int, connection: str | None = None) -> bool:
        """Give up a write-back (the order is gone, or the number was written by hand)."""
        name = self.connection(connection).name
        dismissed = await self.store.writebacks.settle(order_id, connection=name)
        if dismissed:
            text = f"order #{order_id}: receipt write-back dismissed by the admin"
            self._logged(name, text, f"order:{order_id}")
        return dismissed

    async def finalise_drafts(
        self, draft_ids: list[str] | None = None, connection: str | None = None
    ) -> list[str]:
        """Make final now the drafts kept for short stock (those of ``draft_ids``, else
        every one) whose stock is back; the order numbers made final.  A draft still
        short stays a draft: finalising it would sell stock the back office lacks."""
        conn = self.connection(connection)
        if Capability.SALES_DRAFTS not in conn.backend.capabilities:
            raise ConfigError(
                f"{conn.backend.name} keeps no drafts for short stock",
                hint="Only back offices that save such orders as drafts have this list.",
            )
        done = await conn.backend.finalise_drafts(draft_ids)
        if done:
            self._logged(conn.name, f"drafts made final by the admin: {', '.join(done)}")
        return done

    async def order_counts(self, connection: str | None = None) -> dict[OutboxState, int]:
        return await self.store.outbox.counts(connection=self.connection(connection).name)

    async def last_run(self, job: str, connection: str | None = None) -> Run | None:
        return await self.store.runs.last_run(job, connection=self.connection(connection).name)

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(self, *exc: object) -> Literal[False]:
        await self.close()
        return False


async def seed_mappings(
    state_db: Path, mappings: Mapping[MappingKind, Mapping[str, str]], connection: str
) -> None:
    """Write mappings into a state database no engine has open (the demo, first-run setup)."""
    async with StateStore.open(state_db) as store:
        await store.mappings.import_all(dict(mappings), connection=connection)
