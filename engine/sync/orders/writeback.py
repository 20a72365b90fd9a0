"""The back-office receipt number, written back to the WooCommerce order.

Two writes: meta data (``_tillsync_receipt``, for plugins and reports) and an
order note (for the shop staff, with the payment method as booked).  Both
bump the order's ``date_modified``, so a webhook follows; the orders job
recognises it by the booking fingerprint (nothing booked changed) and
acknowledges it instead of booking again.

A write-back is owed from the moment the sale is recorded: the debt is kept
in the store's ``writebacks`` table in the same transaction as
``mark_done``, so a crash or a WooCommerce outage delays it but never loses
it.  WooCommerce down or slow: the debt backs off (30 s doubling to 30 min).
WooCommerce refusing for good (the order was deleted, the write rejected):
the debt is dead-lettered with a hint and waits for the admin on the Orders
screen, instead of being retried every few seconds forever.

Reading it back ("has this order been booked already, by a record that
outlives our database?") lives here too, beside what is written.  Two
witnesses besides our own outbox:

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

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from engine.backends.base import IdempotencyKey, SaleRef
from engine.errors import FailureKind, TillsyncError
from engine.order_keys import OrderKey, legacy_scope
from engine.store import OutboxEntry, StateStore
from engine.store.timestamps import utc_now
from engine.sync.context import SyncContext
from engine.sync.orders.start_point import created_at
from engine.transport import RetryPolicy

__all__ = [
    "RECEIPT_ID_META",
    "RECEIPT_META",
    "WRITEBACK_KIND",
    "Receipt",
    "ReceiptWriteBack",
    "booked_note",
    "booked_under_legacy_key",
    "payment_label",
    "receipt_in_woo",
    "voided_note",
]

log = logging.getLogger(__name__)

RECEIPT_META = "_tillsync_receipt"
RECEIPT_ID_META = "_tillsync_receipt_id"
VOID_META = "_tillsync_reversal"
WRITEBACK_KIND = "order_writeback"  # where debts were kept before they got their own table
#: Transient failures: 30 s, 1 min, 2 min … capped at 30 min, with jitter.
WRITEBACK_BACKOFF = RetryPolicy(max_attempts=1_000_000, base_delay=30.0, max_delay=1800.0)
#: What WooCommerce answers that no retry will change.
PERMANENT = frozenset({FailureKind.VALIDATION, FailureKind.NOT_FOUND, FailureKind.CONFLICT})
_HINTS = {
    FailureKind.NOT_FOUND: "the order is gone from WooCommerce (deleted?): nothing to write "
    "the receipt number to; dismiss the debt, or restore the order and retry",
}
_REFUSED = (
    "WooCommerce refused the receipt number for this order: check the order in wp-admin "
    "(locked by a plugin? meta data refused?), then retry the write-back"
)


@dataclass(frozen=True)
class Receipt:
    """What was booked for one order, as the write-back tells it."""

    woo_order_id: int
    backend: str
    number: str
    backoffice_id: str = ""
    payment: str = ""

    @classmethod
    def of(cls, order_id: int, backend: str, ref: SaleRef, payment: str = "") -> Receipt:
        return cls(order_id, backend, ref.number or ref.id, ref.id, payment)


def payment_label(gateway: str, title: str, method: str | None) -> str:
    """``"Direct bank transfer (bacs) → 3"``: the payment as booked, for the staff's note."""
    label = f"{title} ({gateway})" if title and title != gateway else gateway or "no gateway"
    return f"{label} → {method}" if method else label


def booked_note(receipt: Receipt) -> str:
    tail = f"; payment: {receipt.payment}" if receipt.payment else ""
    return f"{_booked_marker(receipt)}{tail}."


def _booked_marker(receipt: Receipt) -> str:
    """The plain-ASCII start of the note, found again even if WordPress re-encodes the rest."""
    return f"tillsync: booked in {receipt.backend} as receipt {receipt.number}"


def voided_note(receipt: Receipt, reversal: str) -> str:
    return (
        f"tillsync: receipt {receipt.number} was reversed in {receipt.backend} "
        f"by receipt {reversal}."
    )


class ReceiptWriteBack:
    """Writes receipt numbers to WooCommerce orders and keeps the debt until it succeeds."""

    def __init__(
        self,
        ctx: SyncContext,
        *,
        backoff: RetryPolicy = WRITEBACK_BACKOFF,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._ctx = ctx
        self._backoff = backoff
        self._rand = rand

    async def owe(self, woo_order_id: int) -> None:
        """Record the debt; call inside the transaction that records the sale."""
        await self._ctx.store.writebacks.owe(woo_order_id, connection=self._ctx.connection)

    async def owed(self) -> list[int]:
        """The debts due now (dead ones and those backing off are left alone)."""
        return await self._ctx.store.writebacks.due(connection=self._ctx.connection)

    async def settle(self, woo_order_id: int) -> None:
        await self._ctx.store.writebacks.settle(woo_order_id, connection=self._ctx.connection)

    async def failed(self, woo_order_id: int, exc: BaseException) -> str | None:
        """Record a failed attempt: the hint when it is dead-lettered, None when it backs off."""
        writebacks, connection = self._ctx.store.writebacks, self._ctx.connection
        message = exc.message if isinstance(exc, TillsyncError) else f"{type(exc).__name__}"
        kind = exc.kind if isinstance(exc, TillsyncError) else None
        if kind in PERMANENT:
            hint = _HINTS.get(kind, _REFUSED)
            await writebacks.dead_letter(woo_order_id, message, hint, connection=connection)
            return hint
        debt = await writebacks.get(woo_order_id, connection=connection)
        attempt = (debt.attempts if debt else 0) + 1
        wait = timedelta(seconds=self._backoff.backoff(attempt, self._rand))
        await writebacks.postpone(woo_order_id, message, utc_now() + wait, connection=connection)
        return None

    async def booked(self, receipt: Receipt) -> None:
        """Meta data plus note; raises on failure (the debt stays recorded)."""
        meta = [{"key": RECEIPT_META, "value": receipt.number}]
        if receipt.backoffice_id and receipt.backoffice_id != receipt.number:
            meta.append({"key": RECEIPT_ID_META, "value": receipt.backoffice_id})
        woo = self._ctx.woo
        await woo.update_order(receipt.woo_order_id, {"meta_data": meta})
        await self._note_once(receipt)
        await self.settle(receipt.woo_order_id)

    async def _note_once(self, receipt: Receipt) -> None:
        """A retried write-back (the note's answer was lost, or we crashed before settling)
        finds the note already there instead of showing the staff a second one."""
        woo, marker = self._ctx.woo, _booked_marker(receipt)
        for note in await woo.list_order_notes(receipt.woo_order_id):
            if isinstance(note, dict) and str(note.get("note") or "").startswith(marker):
                return
        await woo.create_order_note(receipt.woo_order_id, booked_note(receipt))

    async def voided(self, receipt: Receipt, reversal: str) -> None:
        """Best effort: the reversal is already booked; a lost note is only a note."""
        woo = self._ctx.woo
        try:
            await woo.update_order(
                receipt.woo_order_id, {"meta_data": [{"key": VOID_META, "value": reversal}]}
            )
            await woo.create_order_note(receipt.woo_order_id, voided_note(receipt, reversal))
        except Exception as exc:  # the void stands; the admin sees it in the log
            log.warning(
                "orders: reversal of order #%d not noted in WooCommerce: %s",
                receipt.woo_order_id,
                exc,
            )


# -- reading it back: booked already, by a record that outlives our database --


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
