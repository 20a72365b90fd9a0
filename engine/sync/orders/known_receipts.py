"""Has this order been booked already, by a record that outlives our database?

Two witnesses besides our own outbox:

* WooCommerce's order holds the receipt number tillsync wrote back after
  booking (``_tillsync_receipt``, plus ``_tillsync_receipt_id`` when the back
  office's id differs).  A state database that was lost, emptied or replaced
  cannot forget that, so the worker checks it before any booking.
* The back office holds the sale under its idempotency key.  Keys made
  before they derived from the store used the old install id; when that id is
  known (the database predates the change, or the marker remembered it), an
  order created before the change is also looked up under the old key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.backends.base import SaleRef
from engine.order_keys import IdempotencyKey, OrderKey, legacy_scope
from engine.store import OutboxEntry, StateStore
from engine.sync.context import SyncContext
from engine.sync.orders.start_point import created_at
from engine.sync.orders.writeback import RECEIPT_ID_META, RECEIPT_META

__all__ = ["booked_under_legacy_key", "receipt_in_woo"]


def _meta(payload: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in payload.get("meta_data") or ():
        if isinstance(item, Mapping) and item.get("key") in (RECEIPT_META, RECEIPT_ID_META):
            value = item.get("value")
            if isinstance(value, str | int) and str(value).strip():
                found[str(item["key"])] = str(value).strip()
    return found


def receipt_in_woo(payload: Mapping[str, Any]) -> SaleRef | None:
    """The receipt WooCommerce's order says it was booked as, if it says so."""
    meta = _meta(payload)
    number = meta.get(RECEIPT_META)
    if not number:
        return None
    return SaleRef(meta.get(RECEIPT_ID_META, number), number, existing=True)


async def _legacy_key(store: StateStore, entry: OutboxEntry) -> IdempotencyKey | None:
    legacy = await store.legacy_keys()
    if legacy is None:
        return None
    scope = legacy_scope(legacy.install_id, entry.connection)
    old = OrderKey(entry.woo_order_id, scope)
    if entry.idempotency_key == old.value:
        return None  # the entry already carries the old key: the normal look-up uses it
    created = created_at(entry.payload_data())
    if legacy.until is not None and created is not None and created > legacy.until:
        return None  # created after the change: never booked under the old key
    return old.sale_key(0)


async def booked_under_legacy_key(ctx: SyncContext, entry: OutboxEntry) -> SaleRef | None:
    """The sale booked under the pre-change key format, if there is one."""
    key = await _legacy_key(ctx.store, entry)
    return None if key is None else await ctx.backend.find_sale(key)
