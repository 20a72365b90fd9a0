"""Booking one claimed order: decide, check, create the sale, record it atomically.

Each decision is one small function: wrong status → wait (held "not ready")
or, if it was cancelled before it was ever booked, skipped; unreadable →
held; unmapped or not adding up → held with every reason; otherwise
``create_sale`` with the order's idempotency key, then one transaction for
outbox done + order link + write-back owed.  A sale the back office only
accepted (confirmed later) goes to
:class:`~engine.sync.orders.confirmations.Confirmations` instead.

The check (:class:`BookingCheck`) resolves the order against the admin's
mappings and the catalog links and holds it with every reason at once, so one
pass over the mappings fixes it.  It also checks that the amounts we would
book add up to what WooCommerce charged, to the cent (:func:`check_totals`):
back offices take per-line amounts rounded to the currency's smallest unit
and add them up, so a difference would either be refused (a POS refuses
payments that don't match the items) or, worse, book a receipt that
disagrees with the money received.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from engine.backends.base import SaleRef, SaleState
from engine.errors import ConfigError
from engine.events import Level
from engine.model import Money, Order, OrderLine
from engine.store import Link, MappingKind, OutboxEntry, OutboxState, StateStore
from engine.sync.context import SyncContext
from engine.sync.orders.confirmations import Confirmations
from engine.sync.orders.failures import HoldKind, HoldReason, describe
from engine.sync.orders.intake import NOT_BOOKED
from engine.sync.orders.mapping import OrderDataError, booking_fingerprint, order_from_woo
from engine.sync.orders.rules import OrderRules, sale_key
from engine.sync.orders.voids import ORDER_LINK, link_for
from engine.sync.orders.writeback import (
    Receipt,
    ReceiptWriteBack,
    booked_under_legacy_key,
    payment_label,
    receipt_in_woo,
)

__all__ = [
    "FALLBACK_PRODUCT",
    "PRODUCT_LINK_KINDS",
    "Booking",
    "BookingCheck",
    "BookingOutcome",
    "Prepared",
    "TotalsCheck",
    "check_totals",
    "to_cents",
]

OrderLog = Callable[[OutboxEntry, Level, str], None]

#: Link kinds (written by the catalog job) that tie a Woo product to a back-office one.
PRODUCT_LINK_KINDS = ("product", "variation")
#: The ``default`` mapping naming the back-office product that books a line whose
#: own product the back office no longer has (the line keeps its name and price).
FALLBACK_PRODUCT = "product"


class BookingOutcome(StrEnum):
    """Names match the worker's tally fields."""

    BOOKED = "booked"
    HELD = "held"
    WAITING = "waiting"
    SKIPPED = "skipped"
    CONFIRMING = "confirming"  # accepted; done once the back office confirms


class Booking:
    def __init__(
        self,
        ctx: SyncContext,
        rules: OrderRules,
        writeback: ReceiptWriteBack,
        confirmations: Confirmations,
    ) -> None:
        self._ctx = ctx
        self._rules = rules
        self._writeback = writeback
        self._confirmations = confirmations
        self._check = BookingCheck(ctx.store, ctx.connection)

    async def book(self, entry: OutboxEntry, log: OrderLog) -> BookingOutcome:
        """Raises whatever ``create_sale`` raised; the worker records the failure."""
        data = entry.payload_data()
        known = receipt_in_woo(data)
        if known is not None:
            await self._link_known(entry, known, log)
            return BookingOutcome.BOOKED
        status = str(data.get("status") or "")
        trigger = self._trigger_of(data)
        if status != trigger:
            return await self._not_ready(entry, status, trigger, log)
        try:
            order = order_from_woo(data, trigger, self._rules.meta_keys)
        except OrderDataError as exc:
            reason = str(HoldReason(HoldKind.BAD_DATA, exc.message))
            return await self._hold(entry, reason, log, HoldKind.BAD_DATA)
        declined = self._ctx.backend.declines(order)
        if declined:
            return await self._declined(entry, declined, log)
        prepared = await self._check.prepare(order)
        if not prepared.ready:
            kind = prepared.kind or HoldKind.NEEDS_MAPPING
            return await self._hold(entry, prepared.describe(), log, kind, prepared.missing)
        return await self._create(entry, prepared, log)

    def _trigger_of(self, data: dict[str, Any]) -> str:
        """The status that books this order: the back office's for its kind, else the rules'."""
        rules = self._rules
        try:
            order = order_from_woo(data, rules.trigger_status, rules.meta_keys)
        except OrderDataError:
            return rules.trigger_status  # held for its data once it reaches the trigger
        own = self._ctx.backend.trigger_status(order)
        return own.removeprefix("wc-") if own else rules.trigger_status

    async def _not_ready(
        self, entry: OutboxEntry, status: str, trigger: str, log: OrderLog
    ) -> BookingOutcome:
        outbox, connection = self._ctx.store.outbox, self._ctx.connection
        if self._rules.voids(status) or status in ("failed", "trash"):
            reason = f"{NOT_BOOKED} WooCommerce status {status!r} before booking"
            moved = await outbox.skip(entry.woo_order_id, reason, connection=connection)
            log(moved, Level.INFO, reason)
            return BookingOutcome.SKIPPED
        text = f"waits for status {trigger!r} (now {status!r})"
        reason = str(HoldReason(HoldKind.NOT_READY, text))
        moved = await outbox.hold(
            entry.woo_order_id, reason, kind=HoldKind.NOT_READY, connection=connection
        )
        log(moved, Level.DEBUG, text)
        return BookingOutcome.WAITING

    async def _declined(self, entry: OutboxEntry, why: str, log: OrderLog) -> BookingOutcome:
        """The back office's settings leave this order out (e.g. only pick-up orders)."""
        reason = f"{NOT_BOOKED} {why}"
        outbox, connection = self._ctx.store.outbox, self._ctx.connection
        moved = await outbox.skip(entry.woo_order_id, reason, connection=connection)
        log(moved, Level.INFO, reason)
        return BookingOutcome.SKIPPED

    async def _hold(
        self,
        entry: OutboxEntry,
        reason: str,
        log: OrderLog,
        kind: HoldKind,
        missing: tuple[str, ...] = (),
    ) -> BookingOutcome:
        moved = await self._ctx.store.outbox.hold(
            entry.woo_order_id, reason, kind=kind, missing=missing,
            connection=self._ctx.connection,
        )  # fmt: skip
        log(moved, Level.WARNING, f"held — {reason}")
        return BookingOutcome.HELD

    async def hold_for_config(self, entry: OutboxEntry, exc: ConfigError, log: OrderLog) -> None:
        """The adapter found a setting missing (shipping product, payment method …)."""
        text = f"{exc.message} ({exc.hint})"
        reason = str(HoldReason(HoldKind.NEEDS_MAPPING, text))
        await self._hold(entry, reason, log, HoldKind.NEEDS_MAPPING, (text,))

    async def _link_known(self, entry: OutboxEntry, sale: SaleRef, log: OrderLog) -> None:
        """WooCommerce's order carries our receipt number: it was booked (before this
        database existed, or before it was emptied) - link it, never book it again."""
        detail = f"found already booked as {sale.number} (receipt number in WooCommerce)"
        store, connection = self._ctx.store, self._ctx.connection
        try:
            fingerprint = booking_fingerprint(order_from_woo(entry.payload_data()))
        except OrderDataError as exc:
            fingerprint = f"unreadable: {exc.message}"
        link = Link(ORDER_LINK, sale.id, entry.woo_order_id, sale.number, fingerprint)
        async with store.transaction():
            done = await store.outbox.mark_done(
                entry.woo_order_id, sale.number, detail=detail, connection=connection
            )
            await store.links.upsert(link, connection=connection)
        log(done, Level.WARNING, detail)

    async def _create(
        self, entry: OutboxEntry, prepared: Prepared, log: OrderLog
    ) -> BookingOutcome:
        order = prepared.order
        sale = await booked_under_legacy_key(self._ctx, entry)
        if sale is None:
            sale = await self._ctx.backend.create_sale(order, sale_key(entry))
        if sale.state is SaleState.PENDING:
            await self._confirmations.accepted(entry, sale, log)
            return BookingOutcome.CONFIRMING
        number = sale.number or sale.id
        detail = ("found already booked" if sale.existing else "booked") + f" as {number}"
        if sale.note:
            detail += f" ({sale.note})"
        if prepared.backoffice_state:
            detail += f" (back-office state {prepared.backoffice_state})"
        store, connection = self._ctx.store, self._ctx.connection
        async with store.transaction():
            done = await store.outbox.mark_done(
                entry.woo_order_id, number, detail=detail, connection=connection
            )
            await store.links.upsert(link_for(order, sale), connection=connection)
            await self._writeback.owe(entry.woo_order_id)
        log(done, Level.INFO, f"{detail} in {self._ctx.backend.name}")
        return BookingOutcome.BOOKED

    async def write_back(self, order_id: int, log: OrderLog) -> bool:
        """Settle one owed write-back; False (debt kept) when WooCommerce failed."""
        store, connection = self._ctx.store, self._ctx.connection
        entry = await store.outbox.get(order_id, connection=connection)
        if entry is None or entry.state is not OutboxState.DONE or not entry.backoffice_ref:
            await self._writeback.settle(order_id)
            return False
        link = await store.links.get_by_woo_id(ORDER_LINK, order_id, connection=connection)
        receipt = Receipt(
            order_id,
            self._ctx.backend.name,
            entry.backoffice_ref,
            link.backoffice_id if link else "",
            await self._payment(entry),
        )
        try:
            await self._writeback.booked(receipt)
        except Exception as exc:  # the debt stays: backing off, or dead-lettered for the admin
            hint = await self._writeback.failed(order_id, exc)
            if hint is None:
                log(entry, Level.WARNING, f"receipt number not written back yet: {exc}")
            else:
                log(entry, Level.ERROR, f"receipt number not written back: {exc} — {hint}")
            return False
        return True

    async def _payment(self, entry: OutboxEntry) -> str:
        """The payment as booked: Woo's gateway and the back-office method it maps to."""
        data = entry.payload_data()
        gateway = str(data.get("payment_method") or "")
        method = await self._ctx.store.mappings.get(
            MappingKind.PAYMENT, gateway, connection=self._ctx.connection
        )
        title = str(data.get("payment_method_title") or "")
        return payment_label(gateway, title, method)


# -- the check: mappings, links and totals, every reason at once ---------------


@dataclass(frozen=True)
class Prepared:
    """The order with back-office ids filled in, or why it must be held."""

    order: Order
    reasons: tuple[HoldReason, ...] = ()
    backoffice_state: str | None = None

    @property
    def ready(self) -> bool:
        return not self.reasons

    @property
    def kind(self) -> HoldKind | None:
        """The kind stored with the hold: a missing mapping first (the admin's next step)."""
        kinds = [reason.kind for reason in self.reasons]
        if HoldKind.NEEDS_MAPPING in kinds:
            return HoldKind.NEEDS_MAPPING
        return kinds[0] if kinds else None

    @property
    def missing(self) -> tuple[str, ...]:
        """What must be mapped before the order can be booked, each in words."""
        return tuple(r.text for r in self.reasons if r.kind is HoldKind.NEEDS_MAPPING)

    def describe(self) -> str:
        return describe(self.reasons)


class BookingCheck:
    """Resolves an order against the admin's mappings and the catalog links."""

    def __init__(self, store: StateStore, connection: str) -> None:
        self._store = store
        self._connection = connection

    async def prepare(self, order: Order) -> Prepared:
        reasons: list[HoldReason] = []
        method = await self._payment_method(order, reasons)
        await self._tax_classes(order, reasons)
        lines = tuple([await self._product(line, reasons) for line in order.lines])
        totals = check_totals(order)
        if not totals.ok:
            reasons.append(HoldReason(HoldKind.TOTALS, totals.describe()))
        resolved = replace(
            order, lines=lines, payment=replace(order.payment, backoffice_method_id=method)
        )
        state = await self._mapping(MappingKind.ORDER_STATUS, order.status)
        return Prepared(resolved, tuple(reasons), state)

    async def _mapping(self, kind: MappingKind, source: str) -> str | None:
        return await self._store.mappings.get(kind, source, connection=self._connection)

    async def _payment_method(self, order: Order, reasons: list[HoldReason]) -> str | None:
        gateway = order.payment.method_id
        method = await self._mapping(MappingKind.PAYMENT, gateway)
        if not method:
            title = f" ({order.payment.title})" if order.payment.title else ""
            reasons.append(
                HoldReason(HoldKind.NEEDS_MAPPING, f"payment gateway {gateway!r}{title}")
            )
        return method or None

    async def _tax_classes(self, order: Order, reasons: list[HoldReason]) -> None:
        """Mapped: a Woo tax class some back-office tax code is mapped to."""
        mapped = await self._store.mappings.of_kind(
            MappingKind.TAX_CLASS, connection=self._connection
        )
        known = {"" if c == "standard" else c for c in mapped.values()}
        used = {line.tax_class for line in (*order.lines, *order.fees)}
        for tax_class in sorted(used - known):
            label = tax_class or "standard"
            reasons.append(HoldReason(HoldKind.NEEDS_MAPPING, f"tax class {label!r}"))

    async def _product(self, line: OrderLine, reasons: list[HoldReason]) -> OrderLine:
        link = await self.linked_product(line)
        ref = f"SKU {line.sku!r}" if line.sku else f"Woo product {line.woo_product_id}"
        if link is None:
            reasons.append(
                HoldReason(HoldKind.NEEDS_MAPPING, f"product {line.name!r} ({ref}) not linked")
            )
            return line
        if link.gone_at is None:
            return replace(line, backoffice_product_id=link.backoffice_id)
        # the back office no longer has it: book the admin's fallback product, or hold
        fallback = await self._mapping(MappingKind.DEFAULT, FALLBACK_PRODUCT)
        if not fallback:
            reasons.append(
                HoldReason(
                    HoldKind.NEEDS_MAPPING,
                    f"product {line.name!r} ({ref}) no longer in the back office "
                    "(a fallback product in Mappings → Defaults books such lines)",
                )
            )
            return line
        return replace(line, backoffice_product_id=fallback)

    async def linked_product(self, line: OrderLine) -> Link | None:
        """The catalog's link for the line's product: by SKU, else by Woo product id."""
        links = self._store.links
        if line.sku:
            for kind in PRODUCT_LINK_KINDS:
                found = await links.get_by_sku(line.sku, kind=kind, connection=self._connection)
                if found:
                    return found[0]
        if line.woo_product_id:
            for kind in PRODUCT_LINK_KINDS:
                link = await links.get_by_woo_id(
                    kind, line.woo_product_id, connection=self._connection
                )
                if link is not None:
                    return link
        return None


_CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Per-line rounding as the back offices do it: half-up to the cent."""
    return amount.quantize(_CENT, ROUND_HALF_UP)


def _sum(values: list[Money]) -> Decimal:
    return sum((m.to_minor().amount for m in values), Decimal(0))


@dataclass(frozen=True)
class TotalsCheck:
    """The booked sums (per-line cents) next to WooCommerce's totals."""

    currency: str
    booked_total: Decimal
    woo_total: Decimal
    booked_tax: Decimal
    woo_tax: Decimal

    @property
    def ok(self) -> bool:
        return self.booked_total == self.woo_total and self.booked_tax == self.woo_tax

    @property
    def difference(self) -> Decimal:
        return self.booked_total - self.woo_total

    def describe(self) -> str:
        """The hold reason: both sums and the difference, in the order's currency."""
        parts = []
        if self.booked_total != self.woo_total:
            parts.append(
                f"lines, fees and shipping add up to {self.booked_total} {self.currency} but "
                f"WooCommerce's total is {self.woo_total} {self.currency} "
                f"(difference {self.difference:+} {self.currency})"
            )
        if self.booked_tax != self.woo_tax:
            parts.append(
                f"taxes add up to {self.booked_tax} {self.currency} but WooCommerce's total tax "
                f"is {self.woo_tax} {self.currency} "
                f"(difference {self.booked_tax - self.woo_tax:+} {self.currency})"
            )
        return "; ".join(parts) or "totals match"


def check_totals(order: Order) -> TotalsCheck:
    lines = [*order.lines, *order.fees]
    taxes = [ln.tax for ln in lines] + [order.shipping_tax]
    nets = [ln.total for ln in lines] + [order.shipping]
    booked_tax = _sum(taxes)
    return TotalsCheck(
        currency=order.currency,
        booked_total=_sum(nets) + booked_tax,
        woo_total=order.total.to_minor().amount,
        booked_tax=booked_tax,
        woo_tax=order.total_tax.to_minor().amount,
    )
