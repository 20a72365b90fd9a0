"""The job registry: what each job name runs, and what options it takes.

A job is an async callable ``(connection, **options) -> report``.  The
scheduler calls it with no options; ``tillsync sync`` and the dashboard's
"run now" pass the options the admin chose.  Options a job does not take
are refused with a sentence, not a ``TypeError`` (``--sku`` means nothing to
the stock job).  Jobs that need a back-office capability say which, so a
back office without it gets "<back office> does not support customers.write", not a
crash half-way through a run.

``orders_poll`` reads changed WooCommerce orders into the outbox; when no
service worker is draining the outbox (a one-off ``tillsync sync orders``)
it books what it found itself, so the command does what its name says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.backends import Capability, MissingSetting, UnsupportedCapability
from engine.config import JOB_NAMES
from engine.errors import ConfigError
from engine.notify import LogAlerts
from engine.reconcile import DriftReport, Reconciliation, period_of
from engine.runtime.connection import ConnectionRuntime
from engine.sync.jobrun import JobRun
from engine.sync.orders import DrainReport, PollReport, WebhookHealth, check_webhook_health
from engine.sync.orders.rules import OrderRules

__all__ = [
    "JOBS",
    "Job",
    "JobCall",
    "OrdersReport",
    "check_options",
    "job_for",
    "missing_job_settings",
    "missing_settings_for",
    "register_job",
]

JobCall = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Job:
    """One runnable job: its callable, the options it accepts, what it needs."""

    name: str
    call: JobCall
    options: frozenset[str] = frozenset({"full", "dry_run"})
    needs: frozenset[Capability] = field(default_factory=frozenset)
    description: str = ""
    # why this connection can't run the job (a missing setting), or None when it can
    requires: Callable[[ConnectionRuntime], str | None] | None = None
    # capabilities the job uses when the back office has them (the first catalog
    # run creates products with their stock), so their settings are needed too
    uses: frozenset[Capability] = field(default_factory=frozenset)


@dataclass(frozen=True)
class OrdersReport:
    """The poll's findings, and the bookings of a one-off run (None under the service)."""

    poll: PollReport
    drain: DrainReport | None = None

    def describe(self) -> str:
        p = self.poll
        text = f"orders: read {p.read} changed orders, {p.new} new or changed, {p.ignored} ignored"
        d = self.drain
        if d is not None:
            text += (
                f"\nbooked {d.booked}, held {d.held} (need a mapping or a fix), waiting "
                f"{d.waiting}, failed {d.failed}, voided {d.voided}"
            )
            if d.stopped:
                text += f"\nstopped early: {d.stopped}"
        return text


def _dry_run(conn: ConnectionRuntime, options: dict[str, Any]) -> dict[str, Any]:
    """``[connections.x.sync] dry_run = true`` makes every run of that connection a dry run."""
    if conn.config.sync.dry_run:
        return {**options, "dry_run": True}
    return options


async def _catalog(conn: ConnectionRuntime, **options: Any) -> Any:
    return await conn.catalog.run(**_dry_run(conn, options))


async def _stock(conn: ConnectionRuntime, **options: Any) -> Any:
    return await conn.stock.run(**_dry_run(conn, options))


async def _customers(conn: ConnectionRuntime, **options: Any) -> Any:
    return await conn.customers.run(**_dry_run(conn, options))


async def _reconcile(conn: ConnectionRuntime, **options: Any) -> DriftReport:
    """The nightly comparison (engine.reconcile): orders and money for a period
    (``start``/``end``: local days, default yesterday), then the full catalog and
    stock passes, which rewrite stale prices and stock unless ``dry_run``.  Money is
    only listed, unless ``book_missing`` offers missing bookings to the outbox."""
    dry_run = bool(_dry_run(conn, options).get("dry_run"))
    period = period_of(options.get("start"), options.get("end"), conn.tz)

    async def passes(dry: bool) -> tuple[Any, ...]:
        return (
            await conn.catalog.run(full=True, dry_run=dry),
            await conn.stock.run(full=True, dry_run=dry),
        )

    rules = conn.worker.rules if conn.worker is not None else OrderRules()
    check = Reconciliation(conn.ctx, rules, conn.tz, passes, conn.alerts or LogAlerts())
    check.mail_always = conn.reconcile_mail_always
    check.intake, check.book_missing = conn.intake, bool(options.get("book_missing"))
    return await check.run(period, dry_run=dry_run, report=options.get("report"))


async def _orders_poll(conn: ConnectionRuntime, **options: Any) -> OrdersReport:
    report = await conn.poll.run(full=bool(options.get("full")))
    if conn.worker is None or conn.worker_running:
        return OrdersReport(report)
    return OrdersReport(report, await conn.worker.drain())


async def _webhook_health(conn: ConnectionRuntime, **_: Any) -> WebhookHealth:
    """Recorded as a run like every job, so its dashboard card shows when it last checked."""
    assert conn.delivery_url is not None  # see _needs_delivery_url
    secret = conn.webhook_secret.get_secret_value() if conn.webhook_secret else None
    async with JobRun(conn.ctx, "webhook_health", full=False, dry_run=False) as run:
        health = await check_webhook_health(
            conn.woo, conn.delivery_url, conn.alerts or LogAlerts(), connection=conn.name,
            secret=secret, topics=conn.webhook_topics,
        )  # fmt: skip
        run.totals.read = len(health.active) + len(health.reactivated)
        run.totals.written = len(health.reactivated)
    return health


def _needs_delivery_url(conn: ConnectionRuntime) -> str | None:
    if conn.delivery_url is None:
        return (
            "webhooks are not set up for this connection (they need [webhooks] public_url "
            "and a webhook_secret); orders arrive by polling only"
        )
    return None


JOBS: dict[str, Job] = {
    "catalog": Job(
        "catalog",
        _catalog,
        frozenset({"full", "dry_run", "only_new", "skus"}),
        frozenset({Capability.PRODUCTS_READ}),
        "back-office products, prices and categories into WooCommerce",
        uses=frozenset({Capability.STOCK_READ}),
    ),
    "stock": Job(
        "stock",
        _stock,
        needs=frozenset({Capability.STOCK_READ}),
        description="back-office stock levels into WooCommerce",
    ),
    "reconcile": Job(
        "reconcile",
        _reconcile,
        frozenset({"dry_run", "start", "end", "report", "book_missing"}),
        frozenset({Capability.PRODUCTS_READ, Capability.STOCK_READ}),
        "orders, money, prices and stock compared on both sides; stale prices and stock fixed",
    ),
    "customers": Job(
        "customers",
        _customers,
        needs=frozenset({Capability.CUSTOMERS_WRITE}),
        description="WooCommerce customer accounts into the back office",
    ),
    "orders_poll": Job(
        "orders_poll",
        _orders_poll,
        frozenset({"full"}),
        frozenset({Capability.SALES_CREATE}),
        "changed WooCommerce orders into the outbox (the webhooks' safety net)",
    ),
    "webhook_health": Job(
        "webhook_health",
        _webhook_health,
        frozenset(),
        description="re-activates webhooks WooCommerce disabled, and alerts",
        requires=_needs_delivery_url,
    ),
}


_FLAGS = {"skus": "--sku"}


def register_job(job: Job) -> None:
    """Add (or replace) a job; its name must be one the configuration schedules."""
    if job.name not in JOB_NAMES:
        raise ValueError(f"{job.name!r} is not a configurable job ({', '.join(JOB_NAMES)})")
    JOBS[job.name] = job


def job_for(name: str, conn: ConnectionRuntime) -> Job:
    """The job called ``name``, checked against what ``conn``'s back office can do."""
    if name not in JOB_NAMES:
        raise ConfigError(f"unknown job {name!r}; choose one of {', '.join(JOB_NAMES)}")
    job = JOBS.get(name)
    if job is None:
        raise ConfigError(
            f"the {name} job is not available in this version of tillsync",
            hint=f'available jobs: {", ".join(JOBS)}; set `{name} = "off"` in [schedules]',
        )
    backend = conn.backend
    for capability in sorted(job.needs):
        if capability not in backend.capabilities:
            raise UnsupportedCapability(backend.name, capability)
    missing = job.requires(conn) if job.requires is not None else None
    if missing:
        raise ConfigError(f"the {name} job cannot run on {conn.name}: {missing}")
    _refuse_unset_settings(job, conn)
    return job


def _settings_asked(conn: ConnectionRuntime, needs: frozenset[Capability]) -> list[MissingSetting]:
    return list(conn.backend.missing_settings(needs & conn.backend.capabilities))


def _refuse_unset_settings(job: Job, conn: ConnectionRuntime) -> None:
    """Before the job writes anything: every back-office choice it needs is made."""
    unset = _settings_asked(conn, job.needs | job.uses)
    if unset:
        listed = "; ".join(f"{m.key} is not set ({m.needed_for} needs it)" for m in unset)
        raise ConfigError(
            f"the {job.name} job cannot start on {conn.name}: {listed}",
            hint=f"set it under [connections.{conn.name}.backend]; "
            "`tillsync doctor` lists the values to choose from",
        )


def missing_settings_for(
    conn: ConnectionRuntime, needs: frozenset[Capability]
) -> list[MissingSetting]:
    """The back-office choices work needing ``needs`` cannot do without, not set."""
    return _settings_asked(conn, needs)


def missing_job_settings(conn: ConnectionRuntime) -> list[MissingSetting]:
    """Every back-office choice some job of ``conn`` needs and the config does not make."""
    needs = frozenset(c for job in JOBS.values() for c in job.needs | job.uses)
    return _settings_asked(conn, needs)


def check_options(job: Job, options: Mapping[str, Any]) -> dict[str, Any]:
    """Drop unset options; refuse set ones the job doesn't take."""
    chosen = {key: value for key, value in options.items() if value not in (None, False, (), [])}
    refused = sorted(set(chosen) - job.options)
    if refused:
        names = ", ".join(_FLAGS.get(key, "--" + key.replace("_", "-")) for key in refused)
        takes = ", ".join(sorted(_FLAGS.get(k, "--" + k.replace("_", "-")) for k in job.options))
        raise ConfigError(
            f"the {job.name} job does not take {names}",
            hint=f"the {job.name} job takes {takes}" if takes else f"{job.name} takes no options",
        )
    return chosen
