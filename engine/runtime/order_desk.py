"""The admin's side of the order outbox: list, retry, skip.

Retry and skip are the store's state-machine moves, so an admin can't push
an order into a state the worker doesn't expect.  Inspecting one order is
the console's read model (:class:`engine.runtime.views_orders.OrderDetail`),
which ``tillsync orders show`` shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from engine.errors import ConfigError
from engine.store import (
    OutboxEntry,
    OutboxState,
    StateStore,
    TransitionError,
)
from engine.store.outbox_records import ALLOWED_FROM

__all__ = ["explained_transition", "list_orders", "parse_state"]


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
