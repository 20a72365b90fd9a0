"""Tools for a connection whose back office is in its test mode.

A back office with a test account (``Backend.test_mode``) is where an admin
tries a set-up out and starts over.  These tools forget what tillsync
remembers; they delete nothing in either shop:

- :func:`clear_all` forgets the connection's links, cursors and mappings, only
  after the admin typed ``clear all <connection>`` (a typed confirmation, not a
  keypress: it can't be undone);
- :func:`reset_order_timestamp` moves the order poll's timestamp to a moment
  (default: now), so orders changed before it are not read again.
Both refuse outside test mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from engine.backends.base import Backend
from engine.errors import ConfigError
from engine.store import StateStore
from engine.sync.orders.poll import ORDERS_CURSOR

__all__ = ["Cleared", "clear_all", "confirmation_words", "reset_order_timestamp"]


@dataclass(frozen=True)
class Cleared:
    links: int
    cursors: int
    mappings: int


def confirmation_words(connection: str) -> str:
    return f"clear all {connection}"


def _require_test_mode(backend: Backend, connection: str) -> None:
    if not backend.test_mode:
        raise ConfigError(
            f"{connection}: this tool runs only in the back office's test mode",
            hint="Switch the connection to its test credentials first.",
        )


async def clear_all(store: StateStore, connection: str, backend: Backend, typed: str) -> Cleared:
    """Forget links, cursors and mappings of ``connection``; nothing in either shop."""
    _require_test_mode(backend, connection)
    expected = confirmation_words(connection)
    if typed.strip() != expected:
        raise ConfigError(f"not confirmed: type {expected!r} to clear everything tillsync knows")
    kinds = {link.kind async for link in store.links.iterate(connection=connection)}
    links = 0
    for kind in sorted(kinds):
        links += await store.links.delete_kind(kind, connection=connection)
    cursors = 0
    for cursor in await store.cursors.entries(connection=connection):
        cursors += await store.cursors.delete(cursor.name, connection=connection)
    mappings = 0
    for kind, pairs in (await store.mappings.export_all(connection=connection)).items():
        for source in pairs:
            mappings += await store.mappings.delete(kind, source, connection=connection)
    return Cleared(links, cursors, mappings)


async def reset_order_timestamp(
    store: StateStore, connection: str, backend: Backend, to: datetime | None = None
) -> datetime:
    """The order poll reads orders changed after ``to`` (default now) from its next run."""
    _require_test_mode(backend, connection)
    moment = (to or datetime.now(UTC)).astimezone(UTC)
    await store.cursors.set(ORDERS_CURSOR, moment.isoformat(), connection=connection)
    return moment
