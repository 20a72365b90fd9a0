"""Write side of the order outbox: intake, claiming, and every state change.

Each operation is one transaction that also appends to ``outbox_history``, so
the debugger can always say how an order got where it is.  Exactly-once
rests on three things here: ``claim_due`` moves rows to ``in_flight``
atomically (no two workers take the same order), the idempotency key is
fixed when the order is first seen (a retry after a crash asks the back
office for the same key), and ``recover_in_flight`` returns orders a crash
left in flight to ``waiting`` rather than guessing whether they were sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from engine.store.database import DEFAULT_CONNECTION, Database
from engine.store.outbox_confirming import OutboxConfirming
from engine.store.outbox_intake import (
    Revision,
    classify,
    default_idempotency_key,
    insert_order,
    replace_payload,
    write_lines,
)
from engine.store.outbox_records import (
    EnqueueOutcome,
    EnqueueResult,
    OrderSource,
    OutboxEntry,
    OutboxLine,
    OutboxState,
)
from engine.store.outbox_transitions import Expression
from engine.store.timestamps import optional_to_text, to_text

__all__ = ["Outbox"]

_S = OutboxState
_CLEAR_ERROR = {"last_error_kind": None, "last_error": None, "hint": None}
_DUE = (
    "((state = 'waiting' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))"
    " OR (state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?))"
)


class Outbox(OutboxConfirming):
    """The outbox of one store; every call is scoped by ``connection``."""

    def __init__(self, db: Database, clock: Callable[[], datetime], install_id: str) -> None:
        super().__init__(db, clock)
        self._install_id = install_id

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


def _describe(outcome: EnqueueOutcome, rev: Revision) -> str:
    return f"{'new' if outcome is EnqueueOutcome.NEW else 'newer revision'} from {rev.source}"
