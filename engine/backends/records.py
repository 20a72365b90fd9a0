"""The small records the Backend protocol speaks in: pages, checks, sale keys.

Kept apart from the protocol itself so the store, the jobs and the TUI can
use them (persist a ``Page.cursor``, show a ``CheckResult``, derive an
``IdempotencyKey``) without reading the whole adapter contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeAlias, TypeVar

from engine.model import Money
from engine.order_keys import IdempotencyKey  # the one key module; re-exported here

__all__ = [
    "BackofficeEvent",
    "BackofficeSale",
    "CheckItem",
    "CheckResult",
    "Cursor",
    "DraftSale",
    "IdempotencyKey",
    "ItemResult",
    "MissingSetting",
    "Page",
    "SaleRef",
    "SaleState",
    "SoldLine",
]

T = TypeVar("T")

Cursor: TypeAlias = str
"""Opaque bookmark text; the store persists it, only the adapter reads it."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a streamed read.

    ``cursor`` is what to persist once every item of this page is applied
    (``None``: this read has no resumable cursor, keep the old one).
    ``total`` is the remote's total count when it tells one, for progress bars.
    ``start_cursor`` (first page of a read from the start, if the back office can
    tell): a cursor from which a changes-since read finds every change made
    after this read began, so a full read taken as a snapshot can leave the
    next incremental run a place to start (engine.sync.shop_view).
    """

    items: tuple[T, ...]
    cursor: Cursor | None = None
    total: int | None = None
    start_cursor: Cursor | None = None


@dataclass(frozen=True)
class CheckItem:
    """One step of a connection test, with a message an admin understands."""

    name: str
    ok: bool
    message: str


@dataclass(frozen=True)
class MissingSetting:
    """A choice the admin has not made that an operation cannot do without.

    ``key`` is the setting under ``[connections.<name>.backend]``;
    ``needed_for`` says in words what cannot work without it.
    """

    key: str
    needed_for: str


@dataclass(frozen=True)
class CheckResult:
    """The outcome of ``Backend.check()``: every step, not just the first failure."""

    items: tuple[CheckItem, ...]

    @property
    def ok(self) -> bool:
        return bool(self.items) and all(item.ok for item in self.items)

    @property
    def summary(self) -> str:
        failed = [item for item in self.items if not item.ok]
        if not failed:
            return "All checks passed."
        return "; ".join(f"{item.name}: {item.message}" for item in failed)


class SaleState(StrEnum):
    PENDING = "pending"  # accepted, processed asynchronously (an HTTP 202, a QUEUED receipt)
    BOOKED = "booked"
    VOIDED = "voided"  # for a SaleRef returned by void_sale: the reversal document


@dataclass(frozen=True)
class SaleRef:
    """Where an order landed in the back office.

    ``existing`` is true when the call found an earlier booking by its key
    instead of creating one: the caller logs "already booked", not "booked".
    ``reverses`` is the id of the original sale for a void's reversal document.
    ``note`` is what the back office wants the admin to see with the order (an
    exchange rate it applied, a link to the document); it goes to the order's log.
    """

    id: str
    number: str = ""
    key: str = ""
    state: SaleState = SaleState.BOOKED
    existing: bool = False
    reverses: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ItemResult:
    """Per-item outcome of a batch write (batch calls answer 200 with item errors)."""

    ref: str
    ok: bool
    remote_id: str | None = None
    message: str = ""


@dataclass(frozen=True)
class BackofficeEvent:
    """One notification a back office sent, verified and parsed by its adapter.

    ``ref`` is what the back office calls the object (for a sale it accepted
    and confirms later: the reference it answered, e.g. a request id).
    ``sale`` is the booked sale when the event confirms one; ``refused`` the
    back office's reason when it turned the sale down after accepting it.
    ``topic`` and ``delivery_id`` are kept for the event log.  ``jobs`` are
    the jobs the event asks to run at once (a stock change in the back office:
    ``("stock",)``); the engine starts them after the event is kept.
    """

    topic: str
    ref: str = ""
    sale: SaleRef | None = None
    refused: str = ""
    delivery_id: str = ""
    jobs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SoldLine:
    """One line of a back-office sale; ``backoffice_product_id`` None: a product the
    back office sold without a catalogue entry (a quick or inline product)."""

    name: str
    quantity: Decimal
    total: Money  # what the customer paid for the line, tax included
    backoffice_product_id: str | None = None
    sku: str = ""


@dataclass(frozen=True)
class BackofficeSale:
    """A sale made in the back office itself (a till), for the shop's order records."""

    id: str
    number: str
    lines: tuple[SoldLine, ...]
    total: Money
    created_gmt: datetime | None = None
    customer_email: str = ""
    # how the shop should record it, as the admin configured the back office
    # (empty: the import's defaults): a WooCommerce gateway and shipping method
    payment_method: str = ""
    shipping_method: str = ""


@dataclass(frozen=True)
class DraftSale:
    """A sale the back office keeps as a draft because stock was short when it was booked.

    WHY a record: the admin lists these and makes them final once stock is back;
    the console and the CLI show them without knowing the back office's wire shape.
    ``number`` is the order number it carries, ``detail`` what is missing (SKUs).
    ``stock_back``: every line has its stock now, so finalising makes it final
    (False: still short; None: the stock was not read).
    """

    id: str
    number: str
    date: str = ""
    total: str = ""
    detail: str = ""
    stock_back: bool | None = None
