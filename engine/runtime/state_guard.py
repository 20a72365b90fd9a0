"""Never start silently on an empty database where one existed.

At an exclusive open, each connection that books orders is checked:

* the database records its start point → it has been running here: fine
  (the marker file is written if it went missing);
* no record, but the marker beside the config, or the marker webhook in
  WooCommerce, says this connection ran before → the database was lost,
  emptied or replaced: :class:`StateLostError` (exit code 2), naming the
  file and offering ``tillsync recover``;
* no record and no marker → a first install: the start point is recorded
  (``orders.since`` from the config, else now — or, for a database that
  worked before start points existed, the moment it first ran, so an
  upgrade books what it always would have) with the marker file.

WooCommerce is only read here (a dry run writes nothing); the first orders
poll writes the WooCommerce marker (:mod:`engine.sync.orders.store_marker`).
When WooCommerce can't be reached the first start goes on: the start point
still keeps history from being booked.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from engine.errors import ConfigError
from engine.order_keys import store_scope
from engine.runtime.connection import ConnectionRuntime
from engine.runtime.marker_file import ConnectionMarker, MarkerFile
from engine.store import StateStore
from engine.store.timestamps import from_text, to_text, utc_now
from engine.sync.orders.start_point import StartPoint
from engine.woo.marker import WooMarker, find_marker

__all__ = ["StateGuard", "StateLostError", "since_of"]

log = logging.getLogger(__name__)

WOO_CHECK_TIMEOUT = 15.0


class StateLostError(ConfigError):
    """The markers say this connection has run, but the state database doesn't know it."""


class StateGuard:
    def __init__(self, store: StateStore, markers: MarkerFile) -> None:
        self._store = store
        self._markers = markers

    async def check(self, conn: ConnectionRuntime) -> None:
        """Raise :class:`StateLostError`, or make sure both markers exist."""
        start = StartPoint(self._store, conn.name)
        since = await start.since()
        if since is not None:
            if self._markers.get(conn.name) is None:
                await self.record(conn, since)
            return
        if self._markers.get(conn.name) is not None:
            raise self._lost(conn, f"the marker {self._markers.path} says it has run before")
        woo = await self._woo_marker(conn)
        if woo is not None:
            raise self._lost(conn, f"WooCommerce holds its marker (webhook {woo.webhook_id})")
        since = conn.config.orders.since or await self._set_up_at(conn)
        await start.set(since)
        await self.record(conn, since)

    async def _set_up_at(self, conn: ConnectionRuntime) -> datetime:
        """Now for a new database; for one that worked before start points existed (an
        upgrade), when it first ran, so orders it would have booked still are."""
        earlier = None if self._store.fresh else await self._store.first_activity(conn.name)
        return earlier or utc_now()

    async def _woo_marker(self, conn: ConnectionRuntime) -> WooMarker | None:
        try:
            async with asyncio.timeout(WOO_CHECK_TIMEOUT):
                return await find_marker(conn.woo, conn.name)
        except Exception as exc:  # unreachable: the start point still guards history
            log.warning(
                "%s: could not look for tillsync's marker in WooCommerce: %s", conn.name, exc
            )
            return None

    async def record(self, conn: ConnectionRuntime, since: datetime) -> None:
        """Write the marker file entry for ``conn`` (first start, recover)."""
        legacy = await self._store.legacy_keys()
        marker = ConnectionMarker(
            store=conn.woo.store_url,
            scope=store_scope(conn.woo.store_url, conn.name),
            since=to_text(since),
            state_db=self._store.path,
            legacy_install_id=legacy.install_id if legacy else "",
            legacy_keys_until=to_text(legacy.until) if legacy and legacy.until else "",
        )
        self._markers.record(conn.name, marker)

    def _lost(self, conn: ConnectionRuntime, why: str) -> StateLostError:
        return StateLostError(
            f"connection {conn.name!r} has run before ({why}), but the state database "
            f"{self._store.path} does not know it: it was lost, emptied or replaced",
            hint="Nothing was started, so nothing was booked. Restore the file from a backup, "
            "or run `tillsync recover` to rebuild the order links from WooCommerce's receipt "
            "numbers and the back office's receipts; it then starts with nothing to re-book.",
        )


def since_of(marker: ConnectionMarker | WooMarker | None) -> datetime | None:
    """The start point a marker recorded, if it is readable."""
    try:
        return from_text(marker.since) if marker and marker.since else None
    except ValueError:
        return None
