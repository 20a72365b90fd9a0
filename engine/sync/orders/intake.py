"""Order revisions into the outbox: the webhook receiver's intake and the poll's.

Both sources go through :meth:`OrderIntake.offer`, so a webhook and a poll
that see the same revision agree: the outbox de-duplicates on (order id,
``date_modified_gmt``) and ignores revisions older than the one it holds.
The row is committed before :meth:`__call__` returns, which is before the
receiver answers 200 — a delivery WooCommerce believes delivered is never
lost.

Orders first seen at a status that neither books a sale nor holds stock
(pending, failed, cancelled …) are not tracked; once tracked, every newer
revision is kept.  A newer revision re-opens an order parked because of
its status or data ("not ready", "unusable data"), since the edit may be
what it was waiting for; orders held for a mapping wait for
``release_held``.

Known limit, inherited from WooCommerce's one-second ``date_modified``: two
different revisions within one second look like one.  The poll reads the
live order, so when it finds such a same-second revision with different
content it records it one millisecond later than the held one; webhooks,
which can arrive late and out of order, are not trusted to do that.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.errors import NotFoundError
from engine.events import OrderStateChanged
from engine.order_keys import OrderKey, store_scope
from engine.store import EnqueueOutcome, EnqueueResult, OrderSource, OutboxEntry, OutboxState
from engine.store.outbox_intake import lines_from_payload
from engine.store.timestamps import utc_now
from engine.sync.context import SyncContext
from engine.sync.orders.failures import HoldKind, kind_of
from engine.sync.orders.rules import OrderRules
from engine.sync.orders.start_point import StartPoint
from engine.webhooks import Delivery, IntakeResult
from engine.webhooks.parsing import parse_gmt

__all__ = ["NOT_BOOKED", "IntakeRouter", "OrderIntake"]

log = logging.getLogger(__name__)

#: Prefix of the skip reason the orders job writes itself (an admin's skip has none).
NOT_BOOKED = "not booked:"
_REOPEN_HOLDS = frozenset({HoldKind.NOT_READY, HoldKind.BAD_DATA})
_SAME_SECOND = timedelta(milliseconds=1)
#: How far ahead of our clock a revision's date may be (the shop's clock may run fast);
#: a later date (year 9999) would make every real revision after it look stale.
FUTURE_SKEW = timedelta(minutes=10)
_RESULTS = {
    EnqueueOutcome.NEW: IntakeResult.NEW,
    EnqueueOutcome.UPDATED: IntakeResult.NEW,
    EnqueueOutcome.DUPLICATE: IntakeResult.DUPLICATE,
    EnqueueOutcome.STALE: IntakeResult.STALE,
}


def _payload_text(payload: Mapping[str, Any]) -> str:
    """The order JSON as stored; the REST client reads numbers as Decimal, kept exact as text."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_exact)


def _exact(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in an order payload")


#: For ``recover``, which records booked orders the intake would not track.
payload_text = _payload_text


def _status(payload: Mapping[str, Any]) -> str:
    return str(payload.get("status") or "")


def _content(payload: Mapping[str, Any]) -> tuple:
    """The parts of a revision that matter to booking, to spot a same-second edit."""
    lines = tuple(
        (i.get("product_id"), i.get("variation_id"), str(i.get("quantity")), str(i.get("total")))
        for i in payload.get("line_items") or ()
        if isinstance(i, Mapping)
    )
    return (_status(payload), str(payload.get("total")), payload.get("payment_method"), lines)


def _clamped(order_id: int, modified_gmt: datetime) -> datetime:
    """A revision dated beyond our clock plus :data:`FUTURE_SKEW` counts as dated then."""
    latest = utc_now() + FUTURE_SKEW
    if modified_gmt <= latest:
        return modified_gmt
    log.warning(
        "orders: order #%d is dated %s, in the future; recorded as %s",
        order_id,
        modified_gmt.isoformat(),
        latest.isoformat(),
    )
    return latest


class OrderIntake:
    """``await intake(delivery)`` for the receiver; ``await intake.offer(...)`` for the poll."""

    def __init__(
        self,
        ctx: SyncContext,
        rules: OrderRules | None = None,
        *,
        on_new: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.rules = rules or OrderRules()
        self._on_new = on_new
        self.start = StartPoint(ctx.store, ctx.connection)
        # keys come from the store's URL (a test double without one gets a fixed scope)
        self._scope = store_scope(getattr(ctx.woo, "store_url", ""), ctx.connection)

    def order_key(self, order_id: int) -> str:
        """The outbox key of an order of this store and connection."""
        return OrderKey(order_id, self._scope).value

    async def __call__(self, delivery: Delivery) -> IntakeResult:
        if delivery.connection != self.ctx.connection:
            log.warning("orders: delivery for connection %r ignored", delivery.connection)
            return IntakeResult.IGNORED
        if delivery.gone:
            return await self.gone(delivery.resource_id)
        if delivery.modified_gmt is None:
            log.warning(
                "orders: order #%d delivered without date_modified_gmt; the poll will read it",
                delivery.resource_id,
            )
            return IntakeResult.IGNORED
        return await self.offer(delivery.payload, delivery.modified_gmt, OrderSource.WEBHOOK)

    async def offer(
        self, payload: Mapping[str, Any], modified_gmt: datetime, source: OrderSource
    ) -> IntakeResult:
        """Record one revision (durably, before returning) and say what it was."""
        order_id = int(payload["id"])
        modified_gmt = _clamped(order_id, modified_gmt)
        status = _status(payload)
        outbox, connection = self.ctx.store.outbox, self.ctx.connection
        async with self.ctx.store.transaction():
            held = await outbox.get(order_id, connection=connection)
            if held is None and not self.rules.tracks(status):
                return IntakeResult.IGNORED
            before_start = None if held else await self.start.reason(payload)
            modified_gmt = self._same_second(held, payload, modified_gmt, source)
            result = await outbox.enqueue(
                order_id,
                modified_gmt,
                _payload_text(payload),
                source,
                connection=connection,
                lines=() if before_start else self._lines(payload, status),
                idempotency_key=self.order_key(order_id),
            )
            if before_start:
                await outbox.skip(order_id, before_start, connection=connection)
                return IntakeResult.IGNORED
            entry = await self._reopen(result)
        if result.outcome in (EnqueueOutcome.NEW, EnqueueOutcome.UPDATED):
            self._announce(entry, result.outcome, source)
        return _RESULTS[result.outcome]

    def _lines(self, payload: Mapping[str, Any], status: str) -> tuple:
        """Stock lines only while Woo's stock is down for the order (pending quantities)."""
        return lines_from_payload(payload) if self.rules.reduces_stock(status) else ()

    @staticmethod
    def _same_second(
        held: OutboxEntry | None,
        payload: Mapping[str, Any],
        modified_gmt: datetime,
        source: OrderSource,
    ) -> datetime:
        if held is None or source is not OrderSource.POLL or modified_gmt != held.modified_gmt:
            return modified_gmt
        if _content(payload) == _content(held.payload_data()):
            return modified_gmt
        log.info(
            "orders: order #%d changed twice within one second; keeping the live one",
            held.woo_order_id,
        )
        return held.modified_gmt + _SAME_SECOND

    async def _reopen(self, result: EnqueueResult) -> OutboxEntry:
        entry = result.entry
        if result.outcome is not EnqueueOutcome.UPDATED:
            return entry
        ours = entry.state is OutboxState.SKIPPED and (entry.last_error or "").startswith(
            NOT_BOOKED
        )
        parked = kind_of(entry) in _REOPEN_HOLDS
        if ours or parked:
            return await self.ctx.store.outbox.retry(
                entry.woo_order_id, connection=self.ctx.connection
            )
        return entry

    def _announce(self, entry: OutboxEntry, outcome: EnqueueOutcome, source: OrderSource) -> None:
        detail = f"{'new' if outcome is EnqueueOutcome.NEW else 'changed'} ({source})"
        self.ctx.bus.publish(
            OrderStateChanged(
                woo_order_id=entry.woo_order_id,
                state=entry.state.value,
                detail=detail,
                connection=self.ctx.connection,
            )
        )
        if self._on_new is not None:
            self._on_new()

    async def gone(self, order_id: int) -> IntakeResult:
        """``order.deleted``: an order not booked yet will never be; a booked one stays booked.

        The topic header is not signed, so a genuine body replayed as
        ``order.deleted`` is only a hint: WooCommerce is asked first, and an
        order it still has (not in the trash) is taken as the revision it is.
        """
        outbox, connection = self.ctx.store.outbox, self.ctx.connection
        entry = await outbox.get(order_id, connection=connection)
        if entry is None:
            return IntakeResult.IGNORED
        live = await self._live_order(order_id)
        if live is not None and _status(live) != "trash":
            return await self._not_gone(order_id, live)
        async with self.ctx.store.transaction():  # re-read: another delivery may have won
            entry = await outbox.get(order_id, connection=connection) or entry
            if entry.state in (OutboxState.WAITING, OutboxState.HELD, OutboxState.FAILED):
                await outbox.skip(
                    order_id, f"{NOT_BOOKED} deleted in WooCommerce", connection=connection
                )
                return IntakeResult.NEW
        if entry.state is OutboxState.DONE:
            log.warning(
                "orders: booked order #%d was deleted in WooCommerce; its receipt %s stays booked",
                order_id,
                entry.backoffice_ref,
            )
        return IntakeResult.IGNORED

    async def _live_order(self, order_id: int) -> Mapping[str, Any] | None:
        """The order as WooCommerce has it now, or None when it answers 404 (deleted)."""
        try:
            return await self.ctx.woo.get_order(order_id)
        except NotFoundError:
            return None

    async def _not_gone(self, order_id: int, live: Mapping[str, Any]) -> IntakeResult:
        log.warning(
            "orders: order #%d was reported deleted but WooCommerce still has it (%s); kept",
            order_id,
            _status(live) or "no status",
        )
        modified = parse_gmt(live.get("date_modified_gmt"))
        if modified is None:
            return IntakeResult.IGNORED
        return await self.offer(live, modified, OrderSource.POLL)


class IntakeRouter:
    """One receiver serves every connection: each delivery goes to its connection's intake.

    A delivery for a connection without an intake (orders job switched off)
    is answered "ignored" rather than failed, so WooCommerce does not count
    it as a failed delivery and disable the webhook.
    """

    def __init__(self, intakes: Mapping[str, OrderIntake]) -> None:
        self.intakes = dict(intakes)

    async def __call__(self, delivery: Delivery) -> IntakeResult:
        intake = self.intakes.get(delivery.connection)
        if intake is None:
            log.info(
                "orders: no orders job for connection %r; delivery ignored", delivery.connection
            )
            return IntakeResult.IGNORED
        return await intake(delivery)
