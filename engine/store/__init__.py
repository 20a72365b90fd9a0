"""tillsync's state store: one SQLite file (WAL, 0600) behind one aiosqlite connection.

Open and close (nothing connects at import time)::

    store = await StateStore.open(path)          # or: async with StateStore.open(path) as store:
    await store.recover()                        # once at engine start: in-flight orders → waiting,
                                                 # runs left open → closed as interrupted
    await store.close()

Opening migrates an older file (``PRAGMA user_version``) and refuses one from a
newer tillsync (:class:`SchemaVersionError`).  ``synchronous="FULL"`` by default.

Atomicity: every method is one transaction; group several with
``async with store.transaction():`` (nested blocks are SAVEPOINTs).  Writes
inside hold the connection: never await network I/O there, and await store
calls in the task that opened it (not via ``gather`` of new tasks).  Tasks
share the one connection safely: a task never joins another's transaction.

Every method is scoped by ``connection=`` (a name, default ``"default"``).

``store.links`` (:class:`Links`, records :class:`Link`)
    ``get_by_backoffice_id(kind, id)``, ``get_by_woo_id(kind, woo_id)``,
    ``get_by_sku(sku, kind=None) -> list``, ``upsert(link)``, ``upsert_many(links) -> n``,
    ``async for link in iterate(kind=None)``, ``delete(kind, id)``, ``delete_kind(kind) -> n``,
    ``count(kind=None)``
``store.skipped`` (:class:`SkippedItems`, :class:`SkippedItem`)
    ``record(kind, key, reason)``, ``get``, ``is_skipped``, ``entries(kind=None)``,
    ``clear(kind, key) -> bool``, ``clear_all(kind=None) -> n``, ``count()``
``store.cursors`` (:class:`CursorTable`, :class:`StoredCursor`) — storage only; the rules
    are :mod:`engine.cursor`'s: ``get(name)``, ``value(name) -> str | None``,
    ``set(name, text)``, ``delete(name)``, ``entries()``
``store.outbox`` (:class:`Outbox`, :class:`OutboxEntry`, :class:`OutboxState`)
    ``enqueue(order_id, modified_gmt, payload, source, lines=None, idempotency_key=None)
    -> EnqueueResult(outcome: new|updated|duplicate|stale, entry)``;
    ``claim_due(now=None, limit=10) -> list`` (waiting / failed-and-due → in_flight);
    ``mark_done(id, backoffice_ref)``, ``mark_failed(id, kind=, error=, hint=, request=,
    response=, retry_at=None)``, ``hold(id, reason)``, ``release_held(connection) -> n``,
    ``retry(id)``, ``skip(id, reason)``, ``mark_voiding(id, reason)``,
    ``mark_voided(id, void_ref)``, ``acknowledge_revision(id)``,
    ``recover_in_flight(connection=None) -> n``; queries ``get(id)``,
    ``by_idempotency_key(key)``, ``list_by_state(state=None, limit=, offset=)``,
    ``counts() -> {state: n}``, ``oldest_waiting_age(now=None)``, ``history(id)``,
    ``pending_quantities_by_sku(connection) -> {sku: Decimal}``, ``due_voids(now=None)``,
    ``revised_after_booking()``.  Disallowed moves raise :class:`TransitionError`,
    unknown orders :class:`UnknownOrderError`.
``store.runs`` (:class:`Runs`, :class:`Run`, :class:`RunCounts`)
    ``start_run(job, full=, dry_run=) -> run_id``, ``finish_run(run_id, ok=, counts=,
    requests=, error=) -> Run``, ``get(run_id)``, ``last_run(job)``, ``last_runs() -> {job: Run}``,
    ``recent(limit=50, job=None, connection=None)``, ``close_interrupted() -> n``
``store.events`` (:class:`EventLog`, :class:`StoredEvent`)
    ``append(record)``, ``append_many(records) -> n`` (records = ``EngineEvent.to_record()``),
    ``query(min_level=, job=, connection=, contains=, before_id=, limit=200)`` newest first,
    ``prune(keep=None) -> n`` (also automatic), ``count()``
``store.mappings`` (:class:`Mappings`, :class:`MappingKind`)
    ``get(kind, source)``, ``set(kind, source, target)``, ``delete(kind, source)``,
    ``of_kind(kind) -> {source: target}``, ``export_all() -> {kind: {source: target}}``,
    ``import_all(data) -> n`` (replaces each kind given, atomically)
``store.settings`` (:class:`StoredSettings`): ``get(key, default)``, ``set(key, json_value)``,
    ``delete(key)``, ``all()``
``store.schedule`` (:class:`ScheduleState`, :class:`ScheduleEntry`): ``get(job)``,
    ``set_next(job, next_fire_at)``, ``record_fire(job, fired_at, next_fire_at)``, ``entries()``

All instants are timezone-aware datetimes (naive ones are refused); records
returned are frozen dataclasses.
"""

from engine.store.cursors import CursorTable, StoredCursor
from engine.store.database import DEFAULT_CONNECTION
from engine.store.errors import SchemaVersionError, StoreError, TransitionError, UnknownOrderError
from engine.store.event_log import EventLog, StoredEvent
from engine.store.links import Link, Links
from engine.store.mappings import MappingKind, Mappings
from engine.store.outbox import Outbox
from engine.store.outbox_records import (
    EnqueueOutcome,
    EnqueueResult,
    OrderSource,
    OutboxEntry,
    OutboxLine,
    OutboxState,
    OutboxTransition,
)
from engine.store.runs import Run, RunCounts, Runs
from engine.store.schedule import ScheduleEntry, ScheduleState
from engine.store.settings import StoredSettings
from engine.store.skipped import SkippedItem, SkippedItems
from engine.store.state_store import Recovery, StateStore
from engine.store.writebacks import WriteBackDebt, WriteBacks, WriteBackState

__all__ = [
    "DEFAULT_CONNECTION",
    "CursorTable",
    "EnqueueOutcome",
    "EnqueueResult",
    "EventLog",
    "Link",
    "Links",
    "MappingKind",
    "Mappings",
    "OrderSource",
    "Outbox",
    "OutboxEntry",
    "OutboxLine",
    "OutboxState",
    "OutboxTransition",
    "Recovery",
    "Run",
    "RunCounts",
    "Runs",
    "ScheduleEntry",
    "ScheduleState",
    "SchemaVersionError",
    "SkippedItem",
    "SkippedItems",
    "StateStore",
    "StoreError",
    "StoredCursor",
    "StoredEvent",
    "StoredSettings",
    "TransitionError",
    "UnknownOrderError",
    "WriteBackDebt",
    "WriteBackState",
    "WriteBacks",
]
