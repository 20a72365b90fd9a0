"""The order outbox: one class owns every read and every state change of an order.

Each state change is one transaction that checks :data:`ALLOWED_FROM`, updates
the row and appends to ``outbox_history`` (``_move``, the one choke point), so
the debugger can always say how an order got where it is; a change made any
other way is one it can't explain.  Exactly-once rests on three things here:
``claim_due`` moves rows to ``in_flight`` atomically (no two workers take the
same order), the idempotency key is fixed when the order is first seen (a retry
after a crash asks the back office for the same key, see
:mod:`engine.order_keys`), and ``recover_in_flight`` returns orders a crash
left in flight to ``waiting`` rather than guessing whether they were sent.

``confirming``: some back offices answer a write with 202 and a request id and
confirm by webhook; others answer "queued".  Such an order is not done: no
receipt number exists to write back and the sale may still be refused.  It
waits with what the back office answered (``pending_ref``), when to look again
(``next_attempt_at``) and a deadline (``confirm_by``) after which it becomes a
dead letter.  It survives a restart as it is: nothing is in flight.

Records and states live in :mod:`engine.store.outbox_records`; the intake's
dedupe rules (never regress to an older revision) in
:mod:`engine.store.outbox_intake`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.errors import TransitionError, UnknownOrderError
from engine.store.outbox_intake import (
    Revision,
    classify,
    default_idempotency_key,
    insert_order,
    replace_payload,
    write_lines,
)
from engine.store.outbox_records import (
    ALLOWED_FROM,
    NOT_IN_BACKOFFICE,
    EnqueueOutcome,
    EnqueueResult,
    OrderSource,
    OutboxEntry,
    OutboxLine,
    OutboxState,
    OutboxTransition,
    entry_from_row,
)
from engine.store.timestamps import from_text, optional_to_text, to_text

__all__ = ["Outbox"]

_S = OutboxState
_CLEAR_ERROR = {"last_error_kind": None, "last_error": None, "hint": None}
_DUE = (
    "((state = 'waiting' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))"
    " OR (state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?))"
)


class Expression:
    """A column value that is an SQL expression over the row, not a parameter."""

    def __init__(self, sql: str) -> None:
        self.sql = sql


class Outbox:
    """The outbox of one store; every call is scoped by ``connection``."""

    def __init__(self, db: Database, clock: Callable[[], datetime], install_id: str) -> None:
        self._db = db
        self._clock = clock
        self._install_id = install_id

    # -- reads: the dashboard, the debugger and the stock job ------------------

    async def get(
        self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry | None:
        row = await self._db.fetch_one(
            "SELECT * FROM outbox WHERE connection = ? AND woo_order_id = ?",
            (connection, int(woo_order_id)),
        )
        return None if row is None else entry_from_row(row)

    async def by_idempotency_key(self, key: str) -> OutboxEntry | None:
        row = await self._db.fetch_one("SELECT * FROM outbox WHERE idempotency_key = ?", (key,))
        return None if row is None else entry_from_row(row)

    async def list_by_state(
        self,
        state: OutboxState | None = None,
        *,
        connection: str = DEFAULT_CONNECTION,
        limit: int = 100,
        offset: int = 0,
    ) -> list[OutboxEntry]:
        """Most recently changed first; ``state=None`` lists every state."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND (? IS NULL OR state = ?)"
            " ORDER BY updated_at DESC, woo_order_id DESC LIMIT ? OFFSET ?",
            (connection, state, state, limit, offset),
        )
        return [entry_from_row(row) for row in rows]

    async def counts(self, *, connection: str = DEFAULT_CONNECTION) -> dict[OutboxState, int]:
        """Every state with its count, zeros included, for the dashboard."""
        rows = await self._db.fetch_all(
            "SELECT state, count(*) AS n FROM outbox WHERE connection = ? GROUP BY state",
            (connection,),
        )
        counts = dict.fromkeys(OutboxState, 0)
        counts.update({OutboxState(row["state"]): row["n"] for row in rows})
        return counts

    async def oldest_waiting_age(
        self,
        now: datetime | None = None,
        *,
        connection: str = DEFAULT_CONNECTION,
        states: tuple[OutboxState, ...] = (OutboxState.WAITING,),
    ) -> timedelta | None:
        """How long the oldest order in ``states`` has been known; None when there is none."""
        marks = ", ".join("?" for _ in states)
        oldest = await self._db.fetch_value(
            f"SELECT min(created_at) FROM outbox WHERE connection = ? AND state IN ({marks})",
            (connection, *states),
        )
        if oldest is None:
            return None
        return (now or self._clock()) - from_text(oldest)

    async def history(
        self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxTransition]:
        """Every state change of one order, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT at, from_state, to_state, detail FROM outbox_history"
            " WHERE connection = ? AND woo_order_id = ? ORDER BY id",
            (connection, int(woo_order_id)),
        )
        return [
            OutboxTransition(
                at=from_text(r["at"]),
                from_state=OutboxState(r["from_state"]) if r["from_state"] else None,
                to_state=OutboxState(r["to_state"]),
                detail=r["detail"],
            )
            for r in rows
        ]

    async def pending_quantities_by_sku(
        self, connection: str = DEFAULT_CONNECTION
    ) -> dict[str, Decimal]:
        """Quantities sold in Woo but not yet booked in the back office, per SKU.

        The stock job subtracts these from back-office stock before pushing it
        to Woo, so an order in flight never reappears as sellable stock.
        Summed in Decimal here (one query) because SQLite's SUM would be float.
        """
        marks = ", ".join("?" for _ in NOT_IN_BACKOFFICE)
        rows = await self._db.fetch_all(
            "SELECT l.sku, l.quantity FROM outbox_lines l JOIN outbox o"
            " ON o.connection = l.connection AND o.woo_order_id = l.woo_order_id"
            f" WHERE l.connection = ? AND o.state IN ({marks})",
            (connection, *NOT_IN_BACKOFFICE),
        )
        totals: dict[str, Decimal] = {}
        for row in rows:
            totals[row["sku"]] = totals.get(row["sku"], Decimal(0)) + Decimal(row["quantity"])
        return totals

    async def due_voids(
        self, now: datetime | None = None, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxEntry]:
        """Orders to reverse in the back office whose retry time (if any) has come."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND state = 'voiding'"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY woo_order_id",
            (connection, to_text(now or self._clock())),
        )
        return [entry_from_row(row) for row in rows]

    async def revised_after_booking(
        self, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxEntry]:
        """Booked (or voided) orders that Woo changed afterwards: the orders job must
        look at each (cancelled → ``mark_voiding``; harmless → ``acknowledge_revision``).

        WHY a query and not a callback: the work list survives a crash.
        """
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND state IN ('done', 'voided')"
            " AND modified_gmt > claimed_modified_gmt ORDER BY woo_order_id",
            (connection,),
        )
        return [entry_from_row(row) for row in rows]

    # -- writes: intake, claiming and every state change -----------------------

    async def enqueue(
        self,
        woo_order_id: int,
        modified_gmt: datetime,
        payload: Mapping[str, Any] | str,
        source: OrderSource | str,
        *,
        connection: str = DEFAULT_CONNECTION,
        lines: Iterable[OutboxLine] | None = None,
        idempotency_key: str | None = None,
    ) -> EnqueueResult:
        """Record an order revision; see :mod:`engine.store.outbox_intake` for the rules.

        ``lines`` default to the payload's ``line_items``; pass ``()`` for an
        order whose stock Woo has not reduced.  ``idempotency_key`` is used only
        when the order is new.
        """
        rev = Revision.of(connection, woo_order_id, modified_gmt, payload, source, lines)
        now = to_text(self._clock())
        async with self._db.transaction():
            held = await self.get(rev.woo_order_id, connection=connection)
            outcome = classify(held, rev.modified_gmt)
            if held is None:
                key = idempotency_key or default_idempotency_key(
                    self._install_id, connection, rev.woo_order_id
                )
                await insert_order(self._db, rev, key, now)
            elif outcome is EnqueueOutcome.UPDATED:
                await replace_payload(self._db, held, rev, now)
            else:
                return EnqueueResult(outcome, held)
            await write_lines(self._db, rev)
            entry = await self._require(rev.woo_order_id, connection)
            await self._record(entry, held.state if held else None, _describe(outcome, rev))
            return EnqueueResult(outcome, entry)

    async def claim_due(
        self, now: datetime | None = None, limit: int = 10, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxEntry]:
        """Atomically move up to ``limit`` due orders to ``in_flight`` and return them.

        Due: waiting, or failed with a retry time that has come (a failed order
        without one is a dead letter and waits for the admin).
        """
        due = to_text(now or self._clock())
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                f"SELECT woo_order_id FROM outbox WHERE connection = ? AND {_DUE}"
                " ORDER BY woo_order_id LIMIT ?",
                (connection, due, due, limit),
            )
            claimed = []
            for row in rows:
                claimed.append(
                    await self._move(
                        row["woo_order_id"],
                        connection,
                        "claim",
                        _S.IN_FLIGHT,
                        "claimed",
                        attempts=Expression("attempts + 1"),
                        next_attempt_at=None,
                        claimed_modified_gmt=Expression("modified_gmt"),
                    )
                )
            return claimed

    async def claim(
        self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry:
        """Take one waiting (or failed) order in flight: ``recover`` links it by hand."""
        return await self._move(
            woo_order_id,
            connection,
            "claim",
            _S.IN_FLIGHT,
            "claimed",
            attempts=Expression("attempts + 1"),
            next_attempt_at=None,
            claimed_modified_gmt=Expression("modified_gmt"),
        )

    async def mark_done(
        self,
        woo_order_id: int,
        backoffice_ref: str,
        *,
        connection: str = DEFAULT_CONNECTION,
        detail: str = "",
    ) -> OutboxEntry:
        """The back office holds the sale; ``backoffice_ref`` is its receipt id/number."""
        return await self._move(
            woo_order_id,
            connection,
            "done",
            _S.DONE,
            detail or f"booked as {backoffice_ref}",
            backoffice_ref=backoffice_ref,
            next_attempt_at=None,
            last_request=None,
            last_response=None,
            **_CLEAR_ERROR,
        )

    async def mark_failed(
        self,
        woo_order_id: int,
        *,
        kind: StrEnum | str,
        error: str,
        hint: str = "",
        request: str = "",
        response: str = "",
        retry_at: datetime | None = None,
        connection: str = DEFAULT_CONNECTION,
    ) -> OutboxEntry:
        """Record a failed attempt; ``retry_at=None`` makes it a dead letter.

        ``request``/``response`` must already be redacted (see ``engine.errors.Capture``).
        A failed *void* keeps the order in ``voiding``: a failed state would let
        ``claim_due`` book the sale a second time.
        """
        when = f"retry at {to_text(retry_at)}" if retry_at else "waits for the admin"
        async with self._db.transaction():
            entry = await self._require(woo_order_id, connection)
            target = _S.VOIDING if entry.state is _S.VOIDING else _S.FAILED
            return await self._move(
                woo_order_id,
                connection,
                "fail",
                target,
                f"{kind}: {error} ({when})",
                last_error_kind=str(kind),
                last_error=error,
                hint=hint,
                last_request=request,
                last_response=response,
                next_attempt_at=optional_to_text(retry_at),
            )

    async def hold(
        self,
        woo_order_id: int,
        reason: str,
        *,
        kind: str | None = None,
        missing: Sequence[str] = (),
        connection: str = DEFAULT_CONNECTION,
    ) -> OutboxEntry:
        """Park an order until a fix (e.g. a mapping) lets ``release_held`` send it.

        ``kind`` and ``missing`` are kept as data beside the sentence, so no
        reader has to parse the reason back.
        """
        return await self._move(
            woo_order_id, connection, "hold", _S.HELD, reason, last_error=reason,
            hold_kind=kind, hold_missing=json.dumps(list(missing)),
        )  # fmt: skip

    async def release_held(self, connection: str = DEFAULT_CONNECTION) -> int:
        """Make every held order of ``connection`` due again; returns how many."""
        return await self._move_all(connection, "release", _S.WAITING, "released")

    async def retry(
        self, woo_order_id: int, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry:
        """The admin's "retry": a failed, held or skipped order becomes due now."""
        return await self._move(
            woo_order_id, connection, "retry", _S.WAITING, "retry requested", next_attempt_at=None
        )

    async def skip(
        self, woo_order_id: int, reason: str, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry:
        return await self._move(
            woo_order_id,
            connection,
            "skip",
            _S.SKIPPED,
            reason,
            last_error=reason,
            next_attempt_at=None,
        )

    async def mark_voiding(
        self, woo_order_id: int, reason: str, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry:
        """A booked order must be reversed (cancelled/refunded in Woo).

        Also acknowledges the revision that asked for it.
        """
        return await self._move(
            woo_order_id,
            connection,
            "void",
            _S.VOIDING,
            reason,
            next_attempt_at=None,
            claimed_modified_gmt=Expression("modified_gmt"),
        )

    async def mark_voided(
        self, woo_order_id: int, void_ref: str, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry:
        return await self._move(
            woo_order_id,
            connection,
            "voided",
            _S.VOIDED,
            f"reversed as {void_ref}",
            void_ref=void_ref,
            next_attempt_at=None,
            **_CLEAR_ERROR,
        )

    async def acknowledge_revision(
        self,
        woo_order_id: int,
        *,
        connection: str = DEFAULT_CONNECTION,
        detail: str = "revision acknowledged",
    ) -> OutboxEntry:
        """The orders job looked at a post-booking revision and needs no back-office change
        (``detail`` says why, in the order's history)."""
        async with self._db.transaction():
            entry = await self._require(woo_order_id, connection)
            return await self._move(
                woo_order_id,
                connection,
                "acknowledge",
                entry.state,
                detail,
                claimed_modified_gmt=Expression("modified_gmt"),
            )

    async def recover_in_flight(self, connection: str | None = None) -> int:
        """At start-up: orders a crash left in flight go back to waiting.

        The worker then looks the idempotency key up on the back office before
        creating, so an order that did reach it is linked, not booked twice.
        ``connection=None`` recovers every connection.  Call it once, when
        the engine starts, never while a worker runs.
        """
        return await self._move_all(
            connection, "recover", _S.WAITING, "recovered after restart (was in flight)"
        )

    # -- confirming: accepted by the back office, not confirmed yet ------------

    async def mark_confirming(
        self,
        woo_order_id: int,
        pending_ref: str,
        *,
        confirm_by: datetime,
        check_at: datetime,
        connection: str = DEFAULT_CONNECTION,
    ) -> OutboxEntry:
        """The back office accepted the sale under ``pending_ref``; it confirms later."""
        return await self._move(
            woo_order_id,
            connection,
            "confirming",
            OutboxState.CONFIRMING,
            f"accepted as {pending_ref}, waiting for the back office to confirm "
            f"(until {to_text(confirm_by)})",
            pending_ref=pending_ref,
            confirm_by=to_text(confirm_by),
            next_attempt_at=to_text(check_at),
            **_CLEAR_ERROR,
        )

    async def mark_confirmed(
        self,
        woo_order_id: int,
        backoffice_ref: str,
        *,
        detail: str,
        connection: str = DEFAULT_CONNECTION,
    ) -> OutboxEntry:
        """The back office confirmed: the sale is booked as ``backoffice_ref``."""
        return await self._move(
            woo_order_id,
            connection,
            "done",
            OutboxState.DONE,
            detail,
            backoffice_ref=backoffice_ref,
            next_attempt_at=None,
            confirm_by=None,
            **_CLEAR_ERROR,
        )

    async def check_confirming_at(
        self, woo_order_id: int, check_at: datetime, *, connection: str = DEFAULT_CONNECTION
    ) -> None:
        """Look again at ``check_at``; only a time changes, so no history line is added."""
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE connection = ?"
                " AND woo_order_id = ? AND state = 'confirming'",
                (to_text(check_at), connection, woo_order_id),
            )

    async def confirming_due(
        self, now: datetime | None = None, *, connection: str = DEFAULT_CONNECTION
    ) -> list[OutboxEntry]:
        """Confirming orders whose next look (or deadline) has come, oldest first."""
        due = to_text(now or self._clock())
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE connection = ? AND state = 'confirming'"
            " AND (next_attempt_at <= ? OR confirm_by <= ?) ORDER BY woo_order_id",
            (connection, due, due),
        )
        return [entry_from_row(row) for row in rows]

    async def by_pending_ref(
        self, pending_ref: str, *, connection: str = DEFAULT_CONNECTION
    ) -> OutboxEntry | None:
        """The confirming order the back office's notification names."""
        row = await self._db.fetch_one(
            "SELECT * FROM outbox WHERE connection = ? AND pending_ref = ?"
            " AND state = 'confirming'",
            (connection, pending_ref),
        )
        return entry_from_row(row) if row else None

    # -- the state machine's one choke point -----------------------------------

    async def _require(self, woo_order_id: int, connection: str) -> OutboxEntry:
        entry = await self.get(woo_order_id, connection=connection)
        if entry is None:
            raise UnknownOrderError(f"order #{woo_order_id} is not in the {connection!r} outbox")
        return entry

    async def _move(
        self,
        woo_order_id: int,
        connection: str,
        action: str,
        to_state: OutboxState,
        detail: str,
        **columns: Any,
    ) -> OutboxEntry:
        """Check the state machine, update the row and append its history, atomically."""
        columns |= {"state": to_state, "updated_at": to_text(self._clock())}
        async with self._db.transaction():
            entry = await self._require(woo_order_id, connection)
            if entry.state not in ALLOWED_FROM[action]:
                raise TransitionError(
                    f"order #{entry.woo_order_id} ({connection}) is {entry.state}: "
                    f"cannot {action} it"
                )
            sets = ", ".join(
                f"{name} = {value.sql}" if isinstance(value, Expression) else f"{name} = ?"
                for name, value in columns.items()
            )
            params = [v for v in columns.values() if not isinstance(v, Expression)]
            await self._db.execute(
                f"UPDATE outbox SET {sets} WHERE connection = ? AND woo_order_id = ?",
                (*params, connection, entry.woo_order_id),
            )
            moved = await self._require(woo_order_id, connection)
            await self._record(moved, entry.state, detail)
            return moved

    async def _move_all(
        self, connection: str | None, action: str, to_state: OutboxState, detail: str
    ) -> int:
        (state,) = ALLOWED_FROM[action]
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                "SELECT connection, woo_order_id FROM outbox WHERE state = ?"
                " AND (? IS NULL OR connection = ?) ORDER BY connection, woo_order_id",
                (state, connection, connection),
            )
            for row in rows:
                await self._move(
                    row["woo_order_id"],
                    row["connection"],
                    action,
                    to_state,
                    detail,
                    next_attempt_at=None,
                )
        return len(rows)

    async def _record(
        self, entry: OutboxEntry, from_state: OutboxState | None, detail: str
    ) -> None:
        await self._db.execute(
            "INSERT INTO outbox_history"
            " (connection, woo_order_id, at, from_state, to_state, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                entry.connection,
                entry.woo_order_id,
                to_text(self._clock()),
                from_state,
                entry.state,
                detail,
            ),
        )


def _describe(outcome: EnqueueOutcome, rev: Revision) -> str:
    return f"{'new' if outcome is EnqueueOutcome.NEW else 'newer revision'} from {rev.source}"
