"""What a failed booking or void means for the order, and who is told.

The one failure table (:mod:`engine.failure_table`) decides, from the
error's :class:`~engine.errors.FailureKind`: retry later, dead-letter it
for the admin, stop the drain because every other order would fail the same
way, and how loudly to tell the admin; this module adds when to retry
(:func:`classify_failure`) and carries it out (:class:`Escalation`).
Transient trouble and rate limits retry with exponential backoff and
jitter (or the server's Retry-After); a rejected order is a dead letter
keeping the redacted request and response; credentials or account
settings the back office refuses stop everything and page the admin, and
the order retries by itself once they are fixed.

Telling people: every order step is one log line, one :class:`LogEvent` and
one :class:`OrderStateChanged` on the bus (:class:`OrderLog`; the dashboard
and the event journal listen there).  An outage is one alert per outage
(keyed, resolved when a booking succeeds again), refused credentials or an
exhausted quota page the admin, a rejected order is an alert of its own, and
a failed reversal is always critical.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from engine.errors import Capture, FailureKind, RemoteError, TillsyncError
from engine.events import Level, LogEvent, OrderStateChanged
from engine.failure_table import failure_kind, rule_for
from engine.notify import Alert, AlertSink, Severity
from engine.store import OutboxEntry, OutboxState
from engine.sync.context import SyncContext
from engine.transport import RetryPolicy

__all__ = [
    "DEFAULT_BACKOFF",
    "Escalation",
    "Failure",
    "HoldKind",
    "HoldReason",
    "OrderLog",
    "classify_failure",
    "format_request",
    "format_response",
    "hold_kind",
    "kind_of",
]

log = logging.getLogger("engine.sync.orders")

#: Outbox retries: 30 s, 1 min, 2 min … capped at 30 min, each with equal jitter.
DEFAULT_BACKOFF = RetryPolicy(max_attempts=1_000_000, base_delay=30.0, max_delay=1800.0)

#: A Retry-After longer than this is a quota (a back office's daily limit): page the admin.
_QUOTA_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Failure:
    """Everything ``Outbox.mark_failed`` needs, plus what the worker does next."""

    kind: str
    error: str
    hint: str
    request: str
    response: str
    retry_at: datetime | None
    stop: bool
    severity: Severity | None

    @property
    def dead_letter(self) -> bool:
        return self.retry_at is None


def _message(exc: BaseException) -> str:
    if isinstance(exc, TillsyncError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def _hint(exc: BaseException) -> str:
    if isinstance(exc, TillsyncError):
        return exc.hint
    return "An unexpected error; the log has the details. Retry once it is understood."


def format_request(capture: Capture | None) -> str:
    if capture is None:
        return ""
    headers = "".join(f"{k}: {v}\n" for k, v in capture.request_headers.items())
    return f"{capture.method} {capture.url}\n{headers}\n{capture.request_body}"


def format_response(capture: Capture | None) -> str:
    if capture is None or capture.status is None:
        return "" if capture is None else f"no response after {capture.elapsed_ms} ms"
    headers = "".join(f"{k}: {v}\n" for k, v in capture.response_headers.items())
    return f"HTTP {capture.status} ({capture.elapsed_ms} ms)\n{headers}\n{capture.response_body}"


def _wait(exc: BaseException, attempts: int, backoff: RetryPolicy, rand: Callable[[], float]):
    retry_after = exc.retry_after if isinstance(exc, RemoteError) else None
    seconds = retry_after if retry_after is not None else backoff.backoff(max(1, attempts), rand)
    return timedelta(seconds=seconds)


def classify_failure(
    exc: BaseException,
    *,
    attempts: int,
    now: datetime,
    backoff: RetryPolicy = DEFAULT_BACKOFF,
    fallback: Capture | None = None,
    rand: Callable[[], float] = random.random,
) -> Failure:
    """Decide an order's fate after ``exc``; ``attempts`` counts this one.

    ``fallback`` is the adapter client's last capture, used when the error
    carries none (the request that failed is then the last one sent).
    """
    kind = failure_kind(exc)
    rule = rule_for(kind)
    capture = exc.capture if isinstance(exc, RemoteError) and exc.capture else fallback
    wait = _wait(exc, attempts, backoff, rand) if rule.retry else None
    severity = Severity(rule.severity) if rule.severity else None
    if kind == FailureKind.RATE_LIMITED and wait is not None and wait > _QUOTA_WAIT:
        severity = Severity.CRITICAL
    return Failure(
        kind=kind,
        error=_message(exc),
        hint=_hint(exc),
        request=format_request(capture),
        response=format_response(capture),
        retry_at=None if wait is None else now + wait,
        stop=rule.stop,
        severity=severity,
    )


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


# -- holds: why an order can't be booked yet, as data -------------------------
#
# An order whose payment gateway, tax class or product has no back-office
# counterpart is never dropped and never booked half-right: it is *held* with
# every reason at once (so one pass over the mappings fixes it; the check is
# ``booking.BookingCheck``), and ``release_held`` sends it through the check
# again.  The outbox stores the kind (``hold_kind``) and what is missing
# (``hold_missing``) as columns; the text is only for people.


class HoldKind(StrEnum):
    NEEDS_MAPPING = "needs mapping"  # payment gateway, tax class or product not mapped
    TOTALS = "totals differ"  # booked amounts would not match Woo's total to the cent
    NOT_READY = "not ready"  # not at the trigger status yet
    BAD_DATA = "unusable order data"  # the order JSON lacks or garbles a field


@dataclass(frozen=True)
class HoldReason:
    kind: HoldKind
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


def describe(reasons: Iterable[HoldReason]) -> str:
    """One hold text; reasons of the same kind share their prefix."""
    by_kind: dict[HoldKind, list[str]] = {}
    for reason in reasons:
        by_kind.setdefault(reason.kind, []).append(reason.text)
    return "; ".join(f"{kind}: {', '.join(texts)}" for kind, texts in by_kind.items())


def hold_kind(reason: str | None) -> HoldKind | None:
    """The kind a hold text starts with; for rows held before the kind was a column."""
    for kind in HoldKind:
        if (reason or "").startswith(f"{kind}:"):
            return kind
    return None


def kind_of(entry: OutboxEntry) -> HoldKind | None:
    """A held order's kind, as the outbox stored it (the text is only for people)."""
    if entry.state is not OutboxState.HELD:
        return None
    try:
        return HoldKind(entry.hold_kind) if entry.hold_kind else hold_kind(entry.last_error)
    except ValueError:  # a kind a newer version wrote
        return None
