"""Records and the state machine of the order outbox.

An order enters as ``waiting``; the worker claims it (``in_flight``) and ends
with ``done`` (the back office holds the sale), ``failed`` (with a retry time,
or none: dead letter until the admin acts), ``held`` (waits for a fix, e.g.
a missing mapping, then ``release_held``) or ``skipped`` (the admin said no).
A back office that accepts a sale and confirms it later leaves it
``confirming`` (see :class:`engine.store.outbox.Outbox`) until it is
``done``, or ``failed`` when the confirmation never came.
A done order that Woo cancels goes ``voiding`` → ``voided``.  Every allowed
move is listed in :data:`ALLOWED_FROM`; anything else is a
:class:`~engine.store.errors.TransitionError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from sqlite3 import Row
from typing import Any

from engine.store.timestamps import from_text, optional_from_text

__all__ = [
    "ALLOWED_FROM",
    "NOT_IN_BACKOFFICE",
    "EnqueueOutcome",
    "EnqueueResult",
    "OrderSource",
    "OutboxEntry",
    "OutboxLine",
    "OutboxState",
    "OutboxTransition",
    "entry_from_row",
]


class OutboxState(StrEnum):
    WAITING = "waiting"
    IN_FLIGHT = "in_flight"
    HELD = "held"
    FAILED = "failed"
    DONE = "done"
    VOIDING = "voiding"
    VOIDED = "voided"
    SKIPPED = "skipped"
    CONFIRMING = "confirming"  # accepted by the back office, not confirmed yet


class OrderSource(StrEnum):
    WEBHOOK = "webhook"
    POLL = "poll"


class EnqueueOutcome(StrEnum):
    NEW = "new"  # first time we see this order
    UPDATED = "updated"  # a newer revision replaced the payload
    DUPLICATE = "duplicate"  # same date_modified_gmt as held: nothing changed
    STALE = "stale"  # older than held (late webhook): ignored


_S = OutboxState
# action -> the states it may start from
ALLOWED_FROM: dict[str, frozenset[OutboxState]] = {
    "claim": frozenset({_S.WAITING, _S.FAILED}),
    "done": frozenset({_S.IN_FLIGHT, _S.CONFIRMING}),
    "fail": frozenset({_S.IN_FLIGHT, _S.VOIDING, _S.CONFIRMING}),
    "confirming": frozenset({_S.IN_FLIGHT}),
    "still_confirming": frozenset({_S.CONFIRMING}),
    "hold": frozenset({_S.WAITING, _S.FAILED, _S.IN_FLIGHT}),
    "release": frozenset({_S.HELD}),
    "retry": frozenset({_S.FAILED, _S.HELD, _S.SKIPPED}),
    "skip": frozenset({_S.WAITING, _S.FAILED, _S.HELD, _S.IN_FLIGHT}),
    "void": frozenset({_S.DONE, _S.VOIDING}),
    "voided": frozenset({_S.VOIDING}),
    "recover": frozenset({_S.IN_FLIGHT}),
    "acknowledge": frozenset({_S.DONE, _S.VOIDED}),
}

# States whose lines are still missing from the back office's stock (a sale the back
# office has not confirmed may not have reduced it yet: counted, never oversold).
NOT_IN_BACKOFFICE = (_S.WAITING, _S.IN_FLIGHT, _S.HELD, _S.FAILED, _S.CONFIRMING)


@dataclass(frozen=True)
class OutboxLine:
    """One order line as far as stock is concerned."""

    sku: str
    quantity: Decimal


@dataclass(frozen=True)
class OutboxEntry:
    """One WooCommerce order on its way to the back office.

    ``claimed_modified_gmt`` is the revision the worker last took; when
    ``modified_gmt`` is newer on a done order, Woo changed the order after it
    was booked (see :attr:`revised_after_booking`).
    """

    connection: str
    woo_order_id: int
    state: OutboxState
    source: OrderSource
    modified_gmt: datetime
    claimed_modified_gmt: datetime | None
    idempotency_key: str
    attempts: int
    next_attempt_at: datetime | None
    last_error_kind: str | None
    last_error: str | None
    hint: str | None
    backoffice_ref: str | None
    void_ref: str | None
    created_at: datetime
    updated_at: datetime
    payload: str = field(repr=False)
    last_request: str | None = field(default=None, repr=False)
    last_response: str | None = field(default=None, repr=False)
    pending_ref: str | None = None  # what the back office answered while confirming
    confirm_by: datetime | None = None  # no confirmation by then: a dead letter
    # a held order: its kind ("needs mapping", "not ready" … see sync.orders.failures.HoldKind)
    # and what it misses, each in words ("payment gateway 'cheque'")
    hold_kind: str | None = None
    hold_missing: tuple[str, ...] = ()

    def payload_data(self) -> Any:
        """The order JSON as WooCommerce sent it; numbers with a fraction as Decimal."""
        return json.loads(self.payload, parse_float=Decimal)

    @property
    def revised_after_booking(self) -> bool:
        return self.claimed_modified_gmt is not None and self.modified_gmt > (
            self.claimed_modified_gmt
        )


@dataclass(frozen=True)
class EnqueueResult:
    outcome: EnqueueOutcome
    entry: OutboxEntry


@dataclass(frozen=True)
class OutboxTransition:
    """One line of an order's history, for the failed-order debugger."""

    at: datetime
    from_state: OutboxState | None
    to_state: OutboxState
    detail: str


def entry_from_row(row: Row) -> OutboxEntry:
    return OutboxEntry(
        connection=row["connection"],
        woo_order_id=row["woo_order_id"],
        state=OutboxState(row["state"]),
        source=OrderSource(row["source"]),
        modified_gmt=from_text(row["modified_gmt"]),
        claimed_modified_gmt=optional_from_text(row["claimed_modified_gmt"]),
        idempotency_key=row["idempotency_key"],
        attempts=row["attempts"],
        next_attempt_at=optional_from_text(row["next_attempt_at"]),
        last_error_kind=row["last_error_kind"],
        last_error=row["last_error"],
        hint=row["hint"],
        backoffice_ref=row["backoffice_ref"],
        void_ref=row["void_ref"],
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
        payload=row["payload"],
        last_request=row["last_request"],
        last_response=row["last_response"],
        pending_ref=row["pending_ref"],
        confirm_by=optional_from_text(row["confirm_by"]),
        hold_kind=row["hold_kind"],
        hold_missing=tuple(json.loads(row["hold_missing"] or "[]")),
    )
