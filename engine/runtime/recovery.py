"""``tillsync recover``: rebuild a lost, emptied or damaged state database.

A damaged file is moved aside (kept for a post-mortem), never deleted.  Then,
for each connection that books orders, the start point comes back from the
config, the marker beside it or the marker in WooCommerce; the old install
id, when the marker remembered one, comes back for pre-change keys; and
:func:`engine.sync.orders.relink.relink_orders` links every order booked
before (WooCommerce's receipt numbers, the back office's receipts).  The
next start finds the database it expects and nothing to re-book.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.config import TillsyncConfig
from engine.runtime.connection import ConnectionRuntime
from engine.runtime.engine import Engine
from engine.runtime.preflight import refuse_if_running
from engine.runtime.state_guard import StateGuard, since_of
from engine.store import StateStore
from engine.store.errors import DamagedDatabaseError
from engine.store.state_store import LegacyKeys
from engine.store.timestamps import from_text, utc_now
from engine.sync.orders.relink import RelinkReport, relink_orders
from engine.sync.orders.start_point import StartPoint
from engine.sync.orders.store_marker import MARKER_KEY
from engine.woo.marker import find_marker

__all__ = ["ConnectionRecovery", "RecoveryReport", "recover"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionRecovery:
    connection: str
    since: datetime
    orders: RelinkReport


@dataclass(frozen=True)
class RecoveryReport:
    state_db: str
    moved_aside: str | None
    connections: tuple[ConnectionRecovery, ...]


def _set_aside(path: Path) -> str:
    """Rename a file SQLite can't read to ``<name>.damaged-<UTC stamp>``; never delete it."""
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    path.rename(target)
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    log.warning("recover: damaged state database moved aside to %s", target)
    return str(target)


async def _move_aside_if_damaged(path: Path) -> str | None:
    if not await asyncio.to_thread(path.exists):
        return None
    try:
        store = await StateStore.open(path)
    except DamagedDatabaseError:
        return await asyncio.to_thread(_set_aside, path)
    await store.close()
    return None


async def recover(config: TillsyncConfig) -> RecoveryReport:
    """Rebuild the state of every connection that books orders; see the module doc."""
    path = Path(config.engine.state_db)
    refuse_if_running(path)
    moved = await _move_aside_if_damaged(path)
    engine = await Engine.open(config, exclusive=True, guard=False)
    try:
        done = []
        for conn in engine.connections.values():
            if conn.worker is not None and conn.intake is not None:
                done.append(await _recover_connection(engine, conn))
    finally:
        await engine.close()
    return RecoveryReport(str(path), moved, tuple(done))


async def _recover_connection(engine: Engine, conn: ConnectionRuntime) -> ConnectionRecovery:
    store, markers = engine.store, engine.markers
    recorded = markers.get(conn.name)
    in_woo = await find_marker(conn.woo, conn.name)
    since = (
        conn.config.orders.since
        or await StartPoint(store, conn.name).since()
        or since_of(recorded)
        or since_of(in_woo)
        or utc_now()
    )
    if recorded is not None and recorded.legacy_install_id:
        until = from_text(recorded.legacy_keys_until) if recorded.legacy_keys_until else None
        await store.remember_legacy_keys(LegacyKeys(recorded.legacy_install_id, until))
    elif in_woo is not None and in_woo.legacy:  # the file went too: WooCommerce kept it
        await store.remember_legacy_keys(LegacyKeys(in_woo.legacy, None))
    await StartPoint(store, conn.name).set(since)
    assert conn.intake is not None
    orders = await relink_orders(conn.ctx, conn.intake, since)
    if in_woo is not None:
        await store.settings.set(MARKER_KEY, in_woo.webhook_id, connection=conn.name)
    await StateGuard(store, markers).record(conn, since)
    log.warning("recover: %s: %s", conn.name, orders)
    return ConnectionRecovery(conn.name, since, orders)
