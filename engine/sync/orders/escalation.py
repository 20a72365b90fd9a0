"""Telling people about orders: the order log line/events, failures and admin alerts.

Every order step is one log line, one :class:`LogEvent` and one
:class:`OrderStateChanged` on the bus (the dashboard and the event journal
listen there).  A failure is recorded on the order — kind, error, human
hint, redacted request and response — and escalated by
the one failure table (:mod:`engine.failure_table`): an outage is one alert per
outage (keyed, resolved when a booking succeeds again), refused credentials
or an exhausted quota page the admin, a rejected order is an alert of its
own, and a failed reversal is always critical.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from engine.events import Level, LogEvent, OrderStateChanged
from engine.notify import Alert, AlertSink, Severity
from engine.store import OutboxEntry, OutboxState
from engine.sync.context import SyncContext
from engine.sync.orders.failures import Failure, classify_failure
from engine.transport import RetryPolicy

__all__ = ["Escalation", "OrderLog"]

log = logging.getLogger("engine.sync.orders")

#: A reversal the back office refused is not retried by itself sooner than this.
_REFUSED_VOID_PAUSE = timedelta(days=1)


class OrderLog:
    """``order_log(entry, level, text)``: log line + LogEvent + OrderStateChanged."""

    def __init__(self, ctx: SyncContext) -> None:
        self._ctx = ctx

    def __call__(self, entry: OutboxEntry, level: Level, text: str) -> None:
        message = f"order #{entry.woo_order_id} {text}"
        log.log(logging.getLevelName(level.value.upper()), "orders: %s", message)
        bus, conn = self._ctx.bus, self._ctx.connection
        entity = f"order:{entry.woo_order_id}"
        bus.publish(
            LogEvent(text=message, level=level, job="orders", connection=conn, entity=entity)
        )
        bus.publish(
            OrderStateChanged(
                woo_order_id=entry.woo_order_id,
                state=entry.state.value,
                detail=text,
                level=level,
                connection=conn,
            )
        )


class Escalation:
    """Records failed bookings and voids on the outbox and alerts the admin."""

    def __init__(
        self,
        ctx: SyncContext,
        alerts: AlertSink,
        order_log: OrderLog,
        backoff: RetryPolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self._ctx = ctx
        self._alerts = alerts
        self.order_log = order_log
        self._backoff = backoff
        self._clock = clock
        self._down_alerted = False

    def classify(self, entry: OutboxEntry, exc: BaseException) -> Failure:
        """Only the exchange the error carries is kept: the client's last capture may be
        another order's request, and the debugger must never show it as this one's."""
        return classify_failure(
            exc, attempts=max(1, entry.attempts), now=self._clock(), backoff=self._backoff
        )

    async def booking_failed(self, entry: OutboxEntry, exc: BaseException) -> Failure:
        failure = self.classify(entry, exc)
        await self._record(entry, failure)
        return failure

    async def void_failed(self, entry: OutboxEntry, exc: BaseException) -> Failure:
        """A reversal that failed is always critical; a refused one waits a day."""
        failure = self.classify(entry, exc)
        retry_at = failure.retry_at or self._clock() + _REFUSED_VOID_PAUSE
        failure = replace(failure, retry_at=retry_at, severity=Severity.CRITICAL)
        await self._record(entry, failure)
        return failure

    async def recovered(self) -> None:
        """A booking went through: close the outage alert if one was raised."""
        if self._down_alerted:
            self._down_alerted = False
            name = self._ctx.backend.name
            await self._alerts.emit(Alert.resolved(self._down_key, f"{name} books orders again"))

    @property
    def _down_key(self) -> str:
        return f"backend-down:{self._ctx.connection}"

    async def _record(self, entry: OutboxEntry, failure: Failure) -> None:
        moved = await self._ctx.store.outbox.mark_failed(
            entry.woo_order_id,
            kind=failure.kind,
            error=failure.error,
            hint=failure.hint,
            request=failure.request,
            response=failure.response,
            retry_at=failure.retry_at,
            connection=self._ctx.connection,
        )
        when = (
            f"retry at {failure.retry_at:%H:%M:%S}" if failure.retry_at else "waits for the admin"
        )
        level = Level.ERROR if failure.dead_letter else Level.WARNING
        if moved.state is OutboxState.VOIDING:
            level = Level.CRITICAL  # money booked that should not be: the reversal is stuck
        self.order_log(moved, level, f"failed ({failure.kind}): {failure.error} — {when}")
        await self._alert(moved, failure)

    async def _alert(self, entry: OutboxEntry, failure: Failure) -> None:
        if failure.severity is None:
            return
        backend, conn, order = self._ctx.backend.name, self._ctx.connection, entry.woo_order_id
        if failure.kind == "transient" and entry.state is not OutboxState.VOIDING:
            if self._down_alerted:
                return
            self._down_alerted = True
            key, subject = self._down_key, f"{backend} does not answer; orders are queued"
        elif failure.stop:
            key = f"backend-{failure.kind}:{conn}"
            subject = f"{backend} refuses orders: {failure.error}"
        else:
            key = f"order-failed:{conn}:{order}"
            subject = f"order #{order} failed in {backend}: {failure.error}"
        body = f"{failure.hint}\n\nOrder #{order} is {entry.state}."
        await self._alerts.emit(Alert(failure.severity, subject, body, key))
