"""Read models for the console: what each screen shows, computed from the engine.

WHY here and not in the TUI: a screen should render a record and nothing
else.  Counting, bucketing, deciding which actions an order allows or which
mapping is missing is engine knowledge, so it lives beside the Engine and is
testable without Textual.  Every function takes the Engine and a connection
name; those marked *network* talk to the remote systems and must be called
from a worker, never from a UI handler.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.backends import backend_entry
from engine.errors import FailureKind, TillsyncError
from engine.reconcile import last_report_path, load_report
from engine.runtime.engine import JOBS, Engine
from engine.runtime.line_check import LineProblem, check_order_lines
from engine.runtime.offers import ConsoleOffers, console_offers
from engine.runtime.order_outcomes import (
    REFUSED_KINDS,
    OrderOutcome,
    OutcomeSummary,
    release_and_watch,
    retry_and_watch,
    watch_retry,
)
from engine.runtime.views_catalog import (
    ProductRow,
    catalog_preview,
    linked_products,
    skipped_products,
    unlinked_products,
)
from engine.runtime.views_mappings import Choice, MappingRow, MappingSection, mapping_sections
from engine.runtime.views_orders import (
    BookedLine,
    Missing,
    OrderDetail,
    OrderRow,
    order_detail,
    order_page,
    pretty_capture,
    writeback_page,
)
from engine.runtime.views_settings import (
    SchedulePreview,
    SettingsView,
    edit_config,
    schedule_preview,
    send_test_mail,
    settings_view,
)
from engine.store import OutboxState, Run, StoredEvent
from engine.store.outbox_records import OrderSource

__all__ = [
    "REFUSED_KINDS",
    "Activity",
    "BookedLine",
    "Choice",
    "ConsoleOffers",
    "DashboardView",
    "JobCardView",
    "LineProblem",
    "LogQuery",
    "MappingRow",
    "MappingSection",
    "Missing",
    "OrderDetail",
    "OrderOutcome",
    "OrderRow",
    "OutboxHealth",
    "OutcomeSummary",
    "Probe",
    "ProductRow",
    "Reachability",
    "SchedulePreview",
    "SettingsView",
    "catalog_preview",
    "check_order_lines",
    "console_offers",
    "dashboard",
    "edit_config",
    "linked_products",
    "log_page",
    "mapping_sections",
    "order_detail",
    "order_page",
    "pretty_capture",
    "reachability",
    "release_and_watch",
    "retry_and_watch",
    "schedule_preview",
    "send_test_mail",
    "settings_view",
    "skipped_products",
    "unlinked_products",
    "watch_retry",
    "writeback_page",
]

_RECENT_RUNS = 50  # a job's dry runs looked past for its last real run
_RECENT_ORDERS = 1_000  # orders looked at for the 24 h activity chart
_RECENT_ERRORS = 2_000


@dataclass(frozen=True)
class JobCardView:
    """One job as the dashboard card shows it (live progress comes from events)."""

    job: str
    schedule: str
    state: str  # running | queued | ok | failed | never run | off
    next_fire: datetime | None
    last_run: Run | None
    last_error: str | None = None
    note: str = ""  # what the last run found, when that says more than its counts (reconcile)


@dataclass(frozen=True)
class OutboxHealth:
    counts: Mapping[OutboxState, int]
    oldest_waiting: timedelta | None
    last_webhook_at: datetime | None
    webhooks_configured: bool

    @property
    def depth(self) -> int:
        """Orders not yet in the back office and not parked by the admin."""
        return sum(self.counts.get(s, 0) for s in (OutboxState.WAITING, OutboxState.IN_FLIGHT))

    @property
    def attention(self) -> int:
        return sum(self.counts.get(s, 0) for s in (OutboxState.FAILED, OutboxState.HELD))


@dataclass(frozen=True)
class Activity:
    """Per-hour counts over the last 24 h, oldest first (for sparklines)."""

    orders: tuple[int, ...]
    errors: tuple[int, ...]


@dataclass(frozen=True)
class DashboardView:
    connection: str
    backoffice: str
    woo_url: str
    jobs: tuple[JobCardView, ...]
    outbox: OutboxHealth
    activity: Activity
    problems: tuple[StoredEvent, ...] = ()  # newest warnings and errors, newest first


def _state(status: Any, last: Run | None, schedule: str) -> str:
    if status is not None and status.running:
        return "running"
    if status is not None and status.queued:
        return "queued"
    if last is not None and last.ok is False:
        return "failed"
    if schedule.lower() in ("off", "never", "disabled"):
        return "off"
    return "ok" if last is not None else "never run"


async def _last_real_runs(engine: Engine, connection: str) -> dict[str, Run]:
    """Each job's latest run that wrote for real: a dry run is a preview, not the job's run."""
    runs = await engine.store.runs.last_runs(connection=connection)
    for job, run in list(runs.items()):
        if run.dry_run:
            recent = await engine.store.runs.recent(_RECENT_RUNS, job=job, connection=connection)
            real = [r for r in recent if not r.dry_run]
            if real:
                runs[job] = real[0]
            else:
                del runs[job]
    return runs


def _reconcile_note(engine: Engine, connection: str) -> str:
    """The last drift report's count ("0 differences"), kept beside the state database."""
    report = load_report(last_report_path(engine.store.path, connection))
    if report is None:
        return ""
    real = len(report.real)
    text = f"{real} difference{'' if real == 1 else 's'}"
    return text if report.money_compared else f"{text} (no money)"


async def _job_cards(engine: Engine, connection: str, now: datetime) -> tuple[JobCardView, ...]:
    """Scheduler status when it runs; the configured schedules when it doesn't (yet)."""
    statuses = {s.job: s for s in engine.job_statuses() if s.connection == connection}
    schedules = engine.config.job_schedules(connection)
    last_runs = await _last_real_runs(engine, connection)
    cards = []
    for job in [j for j in JOBS if j in schedules or j in statuses]:
        status = statuses.get(job)
        schedule = schedules.get(job)
        text = status.schedule if status else str(schedule) if schedule else "off"
        nxt = status.next_fire if status else schedule.next_after(now) if schedule else None
        last = last_runs.get(job)
        error = status.last_error if status else None
        note = _reconcile_note(engine, connection) if job == "reconcile" and last else ""
        cards.append(JobCardView(job, text, _state(status, last, text), nxt, last, error, note))
    return tuple(cards)


def _hourly(stamps: list[datetime], now: datetime) -> tuple[int, ...]:
    buckets = [0] * 24
    for stamp in stamps:
        age = (now - stamp).total_seconds() // 3600
        if 0 <= age < 24:
            buckets[23 - int(age)] += 1
    return tuple(buckets)


async def _outbox_and_activity(
    engine: Engine, connection: str, now: datetime
) -> tuple[OutboxHealth, Activity]:
    outbox = engine.store.outbox
    recent = await outbox.list_by_state(None, connection=connection, limit=_RECENT_ORDERS)
    hooks = [e.created_at for e in recent if e.source is OrderSource.WEBHOOK]
    errors = await engine.store.events.query(
        min_level="error", connection=connection, limit=_RECENT_ERRORS
    )
    health = OutboxHealth(
        counts=await outbox.counts(connection=connection),
        oldest_waiting=await outbox.oldest_waiting_age(now, connection=connection),
        last_webhook_at=max(hooks, default=None),
        webhooks_configured=engine.config.connections[connection].woo.webhook_secret is not None,
    )
    activity = Activity(
        _hourly([e.created_at for e in recent], now), _hourly([e.at for e in errors], now)
    )
    return health, activity


async def _open_problems(
    engine: Engine, connection: str, events: list[StoredEvent]
) -> list[StoredEvent]:
    """One line per order that still needs a look: a resolved order's lines drop out."""
    kept: list[StoredEvent] = []
    seen: set[int] = set()
    for event in events:
        kind, _, key = event.entity.partition(":")
        if kind == "order" and key.isdigit():
            if int(key) in seen:
                continue
            seen.add(int(key))
            entry = await engine.store.outbox.get(int(key), connection=connection)
            if entry is None or entry.state not in (OutboxState.FAILED, OutboxState.HELD):
                continue
        kept.append(event)
    return kept


async def dashboard(
    engine: Engine, connection: str, *, now: datetime, problems: int = 20
) -> DashboardView:
    """Everything the dashboard shows except live progress and reachability."""
    conn = engine.connection(connection)
    health, activity = await _outbox_and_activity(engine, connection, now)
    recent = await engine.store.events.query(
        min_level="warning", connection=connection, limit=problems * 2
    )
    # an order's state change repeats the worker's own line about it: keep the line
    recent = [e for e in recent if e.type != "OrderStateChanged"]
    recent = (await _open_problems(engine, connection, recent))[:problems]
    return DashboardView(
        connection=connection,
        backoffice=backend_entry(conn.backend.name).title,
        woo_url=str(engine.config.connections[connection].woo.url),
        jobs=await _job_cards(engine, connection, now),
        outbox=health,
        activity=activity,
        problems=tuple(recent),
    )


@dataclass(frozen=True)
class Probe:
    """One side's answer to a cheap authenticated request."""

    ok: bool
    message: str
    millis: int | None = None
    kind: FailureKind | None = None


@dataclass(frozen=True)
class Reachability:
    woo: Probe
    backoffice: Probe
    details: tuple[str, ...] = ()


async def _probe(call: Any, within: float) -> tuple[Probe, Any]:
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(call, within)
    except TimeoutError:
        return Probe(False, f"no answer within {within:.0f}s", None, FailureKind.TRANSIENT), None
    except TillsyncError as error:
        return Probe(False, error.message, None, error.kind), None
    millis = int((time.perf_counter() - started) * 1000)
    return Probe(True, "reachable", millis), result


async def reachability(engine: Engine, connection: str, *, within: float = 10) -> Reachability:
    """*Network.*  Both sides at once; the back office's own check lists each step."""
    conn = engine.connection(connection)
    (woo, _), (back, check) = await asyncio.gather(
        _probe(conn.woo.list_payment_gateways(), within),
        _probe(conn.backend.check(), within),
    )
    details: tuple[str, ...] = ()
    if check is not None:
        details = tuple(f"{'✓' if i.ok else '✗'} {i.name}: {i.message}" for i in check.items)
        if not check.ok:
            back = Probe(False, check.summary, back.millis, FailureKind.CONFIG)
    return Reachability(woo, back, details)


@dataclass(frozen=True)
class LogQuery:
    min_level: str | None = None
    job: str | None = None
    text: str | None = None  # matches the message or the entity
    after_id: int | None = None  # only newer events (a live tail)
    limit: int = 500


async def log_page(engine: Engine, connection: str, query: LogQuery) -> list[StoredEvent]:
    """Newest first: the newest ``limit`` matches, or every match after ``after_id``
    (paged back to it, capped at ``limit`` × 10, so a burst is not cut in the middle)."""
    found: list[StoredEvent] = []
    before: int | None = None
    while True:
        page = await engine.store.events.query(
            min_level=query.min_level,
            job=query.job,
            connection=connection,
            contains=query.text,
            before_id=before,
            limit=query.limit,
        )
        if query.after_id is None:
            return page
        fresh = [event for event in page if event.id > query.after_id]
        found.extend(fresh)
        if len(fresh) < len(page) or len(page) < query.limit or len(found) >= query.limit * 10:
            return found
        before = page[-1].id
