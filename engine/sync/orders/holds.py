"""Why an order can't be booked yet, and resolving what it needs from the mappings.

An order whose payment gateway, tax class or product has no back-office
counterpart is never dropped and never booked half-right: it is *held* with
every reason at once (so one pass over the mappings fixes it), and
``release_held`` sends it through this check again.  The reason text starts
with its :class:`HoldKind`, which the dashboard uses to group held orders
("needs mapping" vs "not ready").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from engine.model import Order, OrderLine
from engine.store import Link, MappingKind, OutboxEntry, OutboxState, StateStore
from engine.sync.orders.totals import check_totals

__all__ = [
    "FALLBACK_PRODUCT",
    "PRODUCT_LINK_KINDS",
    "BookingCheck",
    "HoldKind",
    "HoldReason",
    "Prepared",
    "hold_kind",
    "kind_of",
]

#: Link kinds (written by the catalog job) that tie a Woo product to a back-office one.
PRODUCT_LINK_KINDS = ("product", "variation")
#: The ``default`` mapping naming the back-office product that books a line whose
#: own product the back office no longer has (the line keeps its name and price).
FALLBACK_PRODUCT = "product"


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
