"""Writes tillsync's marker into WooCommerce on the first real orders poll.

The marker (a paused webhook, see :mod:`engine.woo.marker`) is what tells a
lost state database from a first install even when the folder beside the
config went too.  It is written by the orders poll, not at start-up, so a
dry run or a read-only command never writes to the shop; the store remembers
that it is there, so later polls cost nothing.
"""

from __future__ import annotations

import logging

from engine.order_keys import store_scope
from engine.store.timestamps import to_text
from engine.sync.context import SyncContext
from engine.sync.orders.start_point import StartPoint
from engine.woo.marker import find_marker, write_marker

__all__ = ["MARKER_KEY", "ensure_store_marker"]

log = logging.getLogger(__name__)

MARKER_KEY = "orders.woo_marker"


async def ensure_store_marker(ctx: SyncContext) -> None:
    """Best effort: a failure is logged and tried again at the next poll."""
    store, connection = ctx.store, ctx.connection
    if await store.settings.get(MARKER_KEY, connection=connection):
        return
    since = await StartPoint(store, connection).since()
    if since is None:
        return  # no start point recorded (a bare context, e.g. a test harness)
    try:
        marker = await find_marker(ctx.woo, connection)
        if marker is None:
            scope = store_scope(ctx.woo.store_url, connection)
            legacy = await store.legacy_keys()
            old = legacy.install_id if legacy else ""
            marker = await write_marker(ctx.woo, connection, scope, to_text(since), old)
    except Exception as exc:  # the poll itself must not fail for the marker
        log.warning("%s: tillsync's marker not written to WooCommerce yet: %s", connection, exc)
        return
    await store.settings.set(MARKER_KEY, marker.webhook_id, connection=connection)
