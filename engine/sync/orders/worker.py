"""The outbox worker: books due orders in the back office, exactly once, oldest first.

For each order it claims (one at a time, lowest order id first): orders not
at the trigger status wait, orders with an unmapped gateway, tax class or
product — or amounts that don't add up to the cent — are held with the
reason, and the rest go to ``backend.create_sale`` with the order's
idempotency key.  The adapter looks the key up before creating, so a retry
or a restart after a crash between the back office's answer and our commit
finds the receipt instead of booking it twice.  The answer is recorded in
one transaction: outbox done, the order link with its booking fingerprint,
and the receipt write-back owed to WooCommerce.

When the back office is down (or refuses our credentials, or its quota is
used up) the drain stops at the first order: nothing later is tried before
it, and the worker pauses until that order's retry time, so the queue
drains in order once the back office is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from engine.backends.base import BackofficeEvent
from engine.errors import ConfigError
from engine.events import Level
from engine.failure_table import held, rule_for
from engine.notify import AlertSink
from engine.store import OutboxEntry, OutboxState
from engine.store.timestamps import utc_now
from engine.sync.context import SyncContext
from engine.sync.orders.booking import Booking, BookingOutcome
from engine.sync.orders.confirmations import DEFAULT_WINDOW, Confirmations, ConfirmationWindow
from engine.sync.orders.failures import DEFAULT_BACKOFF, Escalation, Failure, OrderLog
from engine.sync.orders.order_extras import DEFAULT_META_KEYS, OrderMetaKeys
from engine.sync.orders.rules import OrderRules
from engine.sync.orders.voids import RevisionReview, Voids
from engine.sync.orders.writeback import ReceiptWriteBack
from engine.transport import RetryPolicy

__all__ = ["DrainReport", "OrderWorker"]

log = logging.getLogger(__name__)


@dataclass
class _Tally:
    booked: int = 0
    held: int = 0
    waiting: int = 0
    skipped: int = 0
    failed: int = 0
    voided: int = 0
    marked_for_void: int = 0
    acknowledged: int = 0
    written_back: int = 0
    confirming: int = 0
    confirmed: int = 0
    stopped: str = ""


@dataclass(frozen=True)
class DrainReport:
    """What one :meth:`OrderWorker.drain` did; ``backend_down`` says it stopped early."""

    booked: int = 0
    held: int = 0
    waiting: int = 0
    skipped: int = 0
    failed: int = 0
    voided: int = 0
    marked_for_void: int = 0
    acknowledged: int = 0
    written_back: int = 0
    confirming: int = 0  # accepted by the back office, waiting for its confirmation
    confirmed: int = 0  # confirmed this drain (by look-up; webhooks confirm at once)
    backend_down: bool = False
    stopped: str = ""
    paused_until: datetime | None = field(default=None)


class OrderWorker:
    """``await worker.drain()`` processes what is due; ``run_forever`` keeps doing it."""

    def __init__(
        self,
        ctx: SyncContext,
        alerts: AlertSink,
        *,
        trigger_status: str = "completed",
        void_on: tuple[str, ...] = ("cancelled", "refunded"),
        backoff: RetryPolicy = DEFAULT_BACKOFF,
        idle_interval: float = 5.0,
        clock: Callable[[], datetime] = utc_now,
        confirmation: ConfirmationWindow = DEFAULT_WINDOW,
        meta_keys: OrderMetaKeys = DEFAULT_META_KEYS,
    ) -> None:
        self.ctx = ctx
        self.alerts = alerts
        self.rules = OrderRules(trigger_status, tuple(void_on), meta_keys)
        self.idle_interval = idle_interval
        self._clock = clock
        self._paused_until: datetime | None = None
        self._pause_known = False
        self._wake = asyncio.Event()
        self._log = OrderLog(ctx)
        self.writeback = ReceiptWriteBack(ctx)
        self._escalation = Escalation(ctx, alerts, self._log, backoff, clock)
        self.confirmations = Confirmations(
            ctx, self.rules, self.writeback, self._escalation, clock, confirmation
        )
        self._booking = Booking(ctx, self.rules, self.writeback, self.confirmations)
        self._review = RevisionReview(ctx, self.rules, self._log)
        self._voids = Voids(ctx, self.writeback, self._escalation)

    def wake(self) -> None:
        """New work arrived (the intake calls this): drain now instead of at the next tick."""
        self._wake.set()

    @property
    def paused_until(self) -> datetime | None:
        """While set, the back office is left alone (down, refusing, or out of quota)."""
        return self._paused_until

    async def drain(self, limit: int | None = None) -> DrainReport:
        """Process everything due now, oldest first; stop early when the back office is down.

        Order: reversals asked for by later revisions first (money already
        booked), then new bookings, then receipt write-backs to WooCommerce.
        """
        tally = _Tally()
        await self._review_revisions(tally)
        if await self._paused():
            tally.stopped = f"back office paused until {self._paused_until:%H:%M:%S}"
        else:
            tally.voided, failure = await self._voids.run_due()
            if failure is not None:
                self._pause(failure, tally, "a reversal")
            else:
                tally.confirmed = await self.confirmations.run_due(self._log)
                await self._book_due(tally, limit)
        tally.written_back = await self._write_backs()
        await self._review_revisions(tally)  # write-backs and late webhooks revise booked orders
        return DrainReport(
            **vars(tally), backend_down=bool(tally.stopped), paused_until=self._paused_until
        )

    async def _review_revisions(self, tally: _Tally) -> None:
        marked, acknowledged = await self._review.review_all()
        tally.marked_for_void += marked
        tally.acknowledged += acknowledged

    def _pause(self, failure: Failure, tally: _Tally, what: str) -> None:
        if failure.retry_at is not None:
            self._paused_until = max(failure.retry_at, self._paused_until or failure.retry_at)
        tally.stopped = f"{what} failed ({failure.kind}): {failure.error}"

    async def _paused(self) -> bool:
        if not self._pause_known:
            await self._load_pause()
        if self._paused_until is not None and self._clock() < self._paused_until:
            return True
        self._paused_until = None
        return False

    async def _load_pause(self) -> None:
        """After a restart: honour the retry time of the order that stopped the last drain."""
        self._pause_known = True
        failed = await self.ctx.store.outbox.list_by_state(
            OutboxState.FAILED, connection=self.ctx.connection, limit=1000
        )
        now = self._clock()
        later = [
            e.next_attempt_at
            for e in failed
            if e.next_attempt_at and e.next_attempt_at > now and rule_for(e.last_error_kind).stop
        ]
        self._paused_until = min(later) if later else None

    async def _book_due(self, tally: _Tally, limit: int | None) -> None:
        outbox, connection = self.ctx.store.outbox, self.ctx.connection
        attempted = 0
        while limit is None or attempted < limit:
            claimed = await outbox.claim_due(limit=1, connection=connection)
            if not claimed:
                return
            attempted += 1
            if not await self._book_one(claimed[0], tally):
                return

    async def _book_one(self, entry: OutboxEntry, tally: _Tally) -> bool:
        """False when the drain must stop here."""
        try:
            outcome = await self._booking.book(entry, self._log)
        except ConfigError as exc:
            if not held(exc):
                return await self._failed(entry, exc, tally)
            await self._booking.hold_for_config(entry, exc, self._log)
            tally.held += 1
            return True
        except Exception as exc:  # every failure is recorded on the order
            return await self._failed(entry, exc, tally)
        setattr(tally, outcome.value, getattr(tally, outcome.value) + 1)
        if outcome in (BookingOutcome.BOOKED, BookingOutcome.CONFIRMING):
            await self._escalation.recovered()
        return True

    async def _failed(self, entry: OutboxEntry, exc: BaseException, tally: _Tally) -> bool:
        tally.failed += 1
        failure = await self._escalation.booking_failed(entry, exc)
        if failure.stop:
            self._pause(failure, tally, f"order #{entry.woo_order_id}")
        return not failure.stop

    async def _write_backs(self) -> int:
        done = 0
        for order_id in await self.writeback.owed():
            done += await self._booking.write_back(order_id, self._log)
        return done

    async def backoffice_event(self, event: BackofficeEvent) -> str:
        """A verified back-office notification (the receiver's intake for this connection)."""
        outcome = await self.confirmations.receive(event, self._log)
        self.wake()  # a confirmed order owes its write-back now
        return outcome

    async def retry_void(self, woo_order_id: int) -> None:
        """The admin's "retry" for a reversal that failed (a refused one waits a day);
        lifts the pause too: the admin says the back office is ready."""
        self._paused_until = None
        entry = await self.ctx.store.outbox.mark_voiding(
            woo_order_id, "reversal retried by the admin", connection=self.ctx.connection
        )
        self._log(entry, Level.WARNING, "reversal retried by the admin")
        self.wake()

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        """Drain, then sleep until woken, the pause ends or ``idle_interval`` passes."""
        while not stop_event.is_set():
            try:
                await self.drain()
            except Exception:  # a bug or a store hiccup must not end the worker
                log.exception("orders: drain failed; trying again shortly")
            self._wake.clear()
            await self._sleep(stop_event)

    async def _sleep(self, stop_event: asyncio.Event) -> None:
        timeout = self.idle_interval
        waiters = {asyncio.ensure_future(stop_event.wait())}
        if self._paused_until is not None:
            timeout = max(0.0, (self._paused_until - self._clock()).total_seconds())
        else:
            waiters.add(asyncio.ensure_future(self._wake.wait()))
        _, pending = await asyncio.wait(waiters, timeout=timeout, return_when="FIRST_COMPLETED")
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
