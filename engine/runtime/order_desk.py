"""The admin's side of the order outbox: list, inspect, retry, skip.

A failed order waits for a human; this is what the human needs to decide:
its history, the last request and response (redacted when they were
captured), what kind of failure it was and what to do about it.  Retry and
skip are the store's state-machine moves, so an admin can't push an order
into a state the worker doesn't expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from engine.errors import ConfigError, FailureKind
from engine.store import (
    OutboxEntry,
    OutboxState,
    OutboxTransition,
    StateStore,
    TransitionError,
    UnknownOrderError,
)
from engine.store.outbox_records import ALLOWED_FROM

__all__ = [
    "OrderDetails",
    "explained_transition",
    "list_orders",
    "order_details",
    "parse_state",
]


@dataclass(frozen=True)
class OrderDetails:
    """One outbox order with everything the failed-order debugger shows."""

    entry: OutboxEntry
    history: tuple[OutboxTransition, ...]

    @property
    def hint(self) -> str:
        """The hint stored with the failure, else the generic one for its kind."""
        if self.entry.hint:
            return self.entry.hint
        try:
            return FailureKind(self.entry.last_error_kind or "").hint
        except ValueError:
            return ""


def parse_state(state: str | None) -> OutboxState | None:
    if state is None:
        return None
    try:
        return OutboxState(state.lower())
    except ValueError:
        names = ", ".join(s.value for s in OutboxState)
        raise ConfigError(f"unknown order state {state!r}; states are {names}") from None


async def list_orders(
    store: StateStore, connection: str, state: str | None = None, limit: int = 50
) -> list[OutboxEntry]:
    """Most recently changed first."""
    return await store.outbox.list_by_state(
        parse_state(state), connection=connection, limit=max(1, limit)
    )


async def order_details(store: StateStore, connection: str, order_id: int) -> OrderDetails:
    entry = await store.outbox.get(order_id, connection=connection)
    if entry is None:
        raise UnknownOrderError(
            f"order #{order_id} is not in the {connection!r} outbox",
            hint="`tillsync orders list` shows the orders tillsync knows",
        )
    history = await store.outbox.history(order_id, connection=connection)
    return OrderDetails(entry, tuple(history))


@contextmanager
def explained_transition(action: str) -> Iterator[None]:
    """A refused retry/skip says from which states the action is possible, and why."""
    try:
        yield
    except TransitionError as refused:
        states = ", ".join(sorted(state.value for state in ALLOWED_FROM[action]))
        hint = f"{action} works on orders that are {states}"
        if action == "skip":
            hint += "; a booked (done) order is reversed by cancelling it in WooCommerce"
        raise TransitionError(refused.message, hint=hint) from None
