"""The orders' start point: orders created before it are history, never booked.

WHY: a shop has years of orders.  Without a cut-off, the first poll of a new
install — or of one whose state database was lost — would hand all of them
to the back office.  ``orders.since`` (config), or else the moment the
connection was first set up, is recorded in the store; the intake lists an
earlier order as skipped "before start" and never books it.  ``tillsync
orders backfill --since DATE`` moves the start point back on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.store import StateStore
from engine.store.timestamps import from_text, to_text
from engine.sync.orders.mapping import OrderDataError, parse_gmt

__all__ = ["BEFORE_START", "SINCE_KEY", "StartPoint", "created_at"]

SINCE_KEY = "orders.since"
#: Start of the skip reason of an order older than the start point.
BEFORE_START = "before start:"


def created_at(payload: Mapping[str, Any]) -> datetime | None:
    """``date_created_gmt`` of a Woo order, or None when it can't be read."""
    try:
        return parse_gmt(payload.get("date_created_gmt"), "date_created_gmt")
    except OrderDataError:
        return None


class StartPoint:
    """Reads and moves one connection's start point in the store."""

    def __init__(self, store: StateStore, connection: str) -> None:
        self._store = store
        self._connection = connection

    async def since(self) -> datetime | None:
        """None: no start point recorded (every order counts, as before)."""
        text = await self._store.settings.get(SINCE_KEY, connection=self._connection)
        return from_text(text) if text else None

    async def set(self, since: datetime) -> None:
        """Kept to the whole second: WooCommerce dates have no fractions, so an order
        placed in the same second as the start point counts as after it."""
        whole = since.replace(microsecond=0)
        await self._store.settings.set(SINCE_KEY, to_text(whole), connection=self._connection)

    async def ensure(self, default: datetime) -> datetime:
        """The recorded start point, recording ``default`` first if there is none."""
        current = await self.since()
        if current is None:
            await self.set(default)
            return default
        return current

    async def reason(self, payload: Mapping[str, Any]) -> str | None:
        """Why this order is before the start point, or None when it is not."""
        since = await self.since()
        created = created_at(payload)
        if since is None or created is None or created >= since:
            return None
        return (
            f"{BEFORE_START} created {created:%Y-%m-%d %H:%M} UTC, before the start point "
            f"{since:%Y-%m-%d %H:%M} UTC (orders.since); never booked — "
            "`tillsync orders backfill --since DATE` books older orders on purpose"
        )
