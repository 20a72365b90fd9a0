"""Sales a back office accepted but confirms later, from ``confirming`` to done.

Some back offices answer a sale with 202 and a request id and confirm it by
webhook; others answer "queued".  Such a sale is not booked yet: it may still be
refused, and there is no number to write back.  The order waits in the
outbox's ``confirming`` state until one of two things says it is booked:

- the back office's webhook (``POST /hooks/<connection>/backoffice``), which
  the adapter parses into a :class:`~engine.backends.base.BackofficeEvent`;
- or, for a back office that does not notify (or a lost notification), a
  look-up by the order's idempotency key (``find_sale``) every ``poll``.

Confirmed, the order is done, linked and owes its write-back in one
transaction, exactly as a sale booked at once.  Not confirmed by the
deadline, it becomes a dead letter (kind ``unconfirmed``) with a hint:
retrying looks the key up first, so it is never booked twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.backends.base import BackofficeEvent, SaleRef, SaleState
from engine.errors import FailureKind, TillsyncError, ValidationError
from engine.events import Level, LogEvent
from engine.failure_table import failure_kind, rule_for
from engine.store import OutboxEntry
from engine.sync.context import SyncContext
from engine.sync.orders.failures import Escalation, OrderLog
from engine.sync.orders.mapping import order_from_woo
from engine.sync.orders.rules import OrderRules, sale_key
from engine.sync.orders.voids import link_for
from engine.sync.orders.writeback import ReceiptWriteBack

__all__ = ["DEFAULT_WINDOW", "ConfirmationWindow", "Confirmations", "UnconfirmedSale"]

log = logging.getLogger(__name__)


class UnconfirmedSale(TillsyncError):
    """The back office accepted a sale and did not confirm it before the deadline."""

    kind = FailureKind.UNCONFIRMED


@dataclass(frozen=True)
class ConfirmationWindow:
    """How long a back office may take to confirm, and how often we ask it."""

    deadline: timedelta = timedelta(hours=1)
    poll: timedelta = timedelta(seconds=30)


DEFAULT_WINDOW = ConfirmationWindow()


class Confirmations:
    """Records accepted sales, and settles them by webhook, by look-up or by deadline."""

    def __init__(
        self,
        ctx: SyncContext,
        rules: OrderRules,
        writeback: ReceiptWriteBack,
        escalation: Escalation,
        clock: Callable[[], datetime],
        window: ConfirmationWindow = DEFAULT_WINDOW,
    ) -> None:
        self._ctx = ctx
        self._rules = rules
        self._writeback = writeback
        self._escalation = escalation
        self._clock = clock
        self.window = window

    async def accepted(self, entry: OutboxEntry, sale: SaleRef, log_order: OrderLog) -> None:
        """``create_sale`` answered "accepted": wait for the confirmation, book nothing yet."""
        now = self._clock()
        moved = await self._ctx.store.outbox.mark_confirming(
            entry.woo_order_id,
            sale.id or sale.key or sale.number,
            confirm_by=now + self.window.deadline,
            check_at=now + self.window.poll,
            connection=self._ctx.connection,
        )
        text = f"accepted by {self._ctx.backend.name}, not confirmed yet"
        log_order(moved, Level.INFO, f"{text} ({sale.note})" if sale.note else text)

    async def confirmed(self, entry: OutboxEntry, sale: SaleRef, log_order: OrderLog) -> None:
        """Done, linked and owing its write-back, in one transaction."""
        rules = self._rules
        order = order_from_woo(entry.payload_data(), rules.trigger_status, rules.meta_keys)
        number = sale.number or sale.id
        detail = f"confirmed as {number}" + (f" ({sale.note})" if sale.note else "")
        store, connection = self._ctx.store, self._ctx.connection
        async with store.transaction():
            done = await store.outbox.mark_confirmed(
                entry.woo_order_id, number, detail=detail, connection=connection
            )
            await store.links.upsert(link_for(order, sale), connection=connection)
            await self._writeback.owe(entry.woo_order_id)
        log_order(done, Level.INFO, f"{detail} in {self._ctx.backend.name}")

    async def notified(self, event: BackofficeEvent, log_order: OrderLog) -> bool:
        """The back office's webhook: True when it settled a confirming order
        (confirmed it, or refused it: then a dead letter with its reason)."""
        booked = event.sale is not None and event.sale.state is SaleState.BOOKED
        if not (booked or event.refused) or not event.ref:
            return False
        entry = await self._ctx.store.outbox.by_pending_ref(
            event.ref, connection=self._ctx.connection
        )
        if entry is None:
            return False
        if event.sale is not None and booked:
            await self.confirmed(entry, event.sale, log_order)
        else:
            refused = ValidationError(f"{self._ctx.backend.name} refused the sale: {event.refused}")
            await self._escalation.booking_failed(entry, refused)
        return True

    async def receive(self, event: BackofficeEvent, log_order: OrderLog) -> str:
        """The webhook intake: settle the order it names, else keep it in the event log.

        Either way the event is on disk when this returns, so the 200 the
        receiver answers promises nothing we could lose.
        """
        if await self.notified(event, log_order):
            return "refused" if event.refused else "confirmed"
        record = LogEvent(
            level=Level.INFO,
            job="orders",
            connection=self._ctx.connection,
            entity=f"backoffice:{event.ref}" if event.ref else "backoffice",
            text=f"{self._ctx.backend.name} notified {event.topic} (no confirming order)",
            data={"topic": event.topic, "ref": event.ref, "delivery_id": event.delivery_id},
        )
        await self._ctx.store.events.append(record.to_record())
        return "recorded"

    async def run_due(self, log_order: OrderLog) -> int:
        """Look up every confirming order that is due; returns how many were confirmed."""
        confirmed = 0
        for entry in await self._ctx.store.outbox.confirming_due(
            self._clock(), connection=self._ctx.connection
        ):
            confirmed += await self._check(entry, log_order)
        return confirmed

    async def _check(self, entry: OutboxEntry, log_order: OrderLog) -> bool:
        try:
            sale = await self._ctx.backend.find_sale(sale_key(entry))
        except Exception as exc:  # a look-up that fails is tried again at the next look
            if not rule_for(failure_kind(exc)).resend:
                log.warning("orders: looking up #%s failed: %s", entry.woo_order_id, exc)
            sale = None
        if sale is not None and sale.state is SaleState.BOOKED:
            await self.confirmed(entry, sale, log_order)
            return True
        if entry.confirm_by is not None and self._clock() >= entry.confirm_by:
            await self._expired(entry)
        else:
            await self._ctx.store.outbox.check_confirming_at(
                entry.woo_order_id,
                self._clock() + self.window.poll,
                connection=self._ctx.connection,
            )
        return False

    async def _expired(self, entry: OutboxEntry) -> None:
        waited = self.window.deadline
        exc = UnconfirmedSale(
            f"{self._ctx.backend.name} accepted the sale as {entry.pending_ref} but did not "
            f"confirm it within {waited}",
        )
        await self._escalation.booking_failed(entry, exc)
