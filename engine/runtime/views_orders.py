"""Read models of the order outbox for the console's failed-order debugger.

WHY a module of its own: deciding which actions an order allows, which
mapping it is missing and where wp-admin shows it is engine knowledge that
both the TUI and ``tillsync orders show`` can reuse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.errors import FailureKind
from engine.model import Order, OrderLine
from engine.runtime.line_check import LineProblem, backoffice_title, known_line_problems
from engine.store import OutboxEntry, OutboxState, OutboxTransition, WriteBackDebt, WriteBackState
from engine.store.mappings import MappingKind
from engine.store.outbox_records import ALLOWED_FROM
from engine.sync.orders import BookingCheck, OrderDataError, order_from_woo
from engine.sync.orders.booking import FALLBACK_PRODUCT

if TYPE_CHECKING:  # the Engine's admin part returns OrderDetail, so it imports this module
    from engine.runtime.engine import Engine

__all__ = [
    "BookedLine",
    "Missing",
    "OrderDetail",
    "OrderRow",
    "order_detail",
    "order_page",
    "pretty_capture",
    "writeback_page",
]


@dataclass(frozen=True)
class OrderRow:
    woo_order_id: int
    state: OutboxState
    attempts: int
    updated_at: datetime
    customer: str
    total: str
    payment: str
    error_kind: str | None
    summary: str


def _customer(order: Mapping[str, Any]) -> str:
    billing = order.get("billing") or {}
    name = f"{billing.get('first_name', '')} {billing.get('last_name', '')}".strip()
    return name or billing.get("email", "") or "guest"


def _order_row(entry: OutboxEntry) -> OrderRow:
    order = _payload(entry)
    return OrderRow(
        woo_order_id=entry.woo_order_id,
        state=entry.state,
        attempts=entry.attempts,
        updated_at=entry.updated_at,
        customer=_customer(order),
        total=f"{order.get('total', '?')} {order.get('currency', '')}".strip(),
        payment=str(order.get("payment_method_title") or order.get("payment_method") or ""),
        error_kind=entry.last_error_kind,
        summary=entry.last_error or entry.backoffice_ref or "",
    )


def _payload(entry: OutboxEntry) -> dict[str, Any]:
    try:
        data = entry.payload_data()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def order_page(
    engine: Engine,
    connection: str,
    state: OutboxState | None = None,
    *,
    limit: int = 200,
    offset: int = 0,
) -> tuple[OrderRow, ...]:
    """Most recently changed first."""
    entries = await engine.store.outbox.list_by_state(
        state, connection=connection, limit=limit, offset=offset
    )
    return tuple(_order_row(e) for e in entries)


def _debt_summary(debt: WriteBackDebt) -> str:
    if debt.state is WriteBackState.DEAD:
        return f"write-back refused: {debt.last_error}"
    if debt.last_error:
        return f"write-back waiting (backing off): {debt.last_error}"
    return "write-back due"


async def writeback_page(engine: Engine, connection: str) -> tuple[OrderRow, ...]:
    """Orders whose receipt number is not in WooCommerce yet: refused ones first."""
    rows = []
    for debt in await engine.writebacks(connection):
        entry = await engine.store.outbox.get(debt.woo_order_id, connection=connection)
        if entry is not None:
            row = _order_row(entry)
            rows.append(replace(row, attempts=debt.attempts, summary=_debt_summary(debt)))
    return tuple(rows)


FALLBACK_LABEL = "a fallback product for lines the back office no longer has"


@dataclass(frozen=True)
class Missing:
    """Something an order needs mapped or linked before it can be booked."""

    kind: str  # "payment" | "tax_class" | "product" | "default"
    source: str  # gateway id, Woo tax class slug, SKU, or the default's name
    label: str


@dataclass(frozen=True)
class BookedLine:
    """One order line as the back office would receive it."""

    quantity: str
    sku: str
    name: str
    total: str
    backoffice_product: str | None


@dataclass(frozen=True)
class OrderDetail:
    """The failed-order debugger's view of one order."""

    entry: OutboxEntry
    row: OrderRow
    order: Mapping[str, Any] = field(repr=False)
    history: tuple[OutboxTransition, ...]
    admin_url: str
    hint: str
    actions: frozenset[str]  # of "retry", "skip", "void", "writeback"
    missing: tuple[Missing, ...] = ()
    booked_lines: tuple[BookedLine, ...] = ()
    backoffice_payment: str | None = None
    unreadable: str = ""  # why the order JSON can't be turned into a sale
    writeback: WriteBackDebt | None = None  # the receipt number owed to WooCommerce
    # lines whose product the back office no longer has, and those lines in words
    line_problems: tuple[LineProblem, ...] = ()
    explained: tuple[str, ...] = ()


def _actions(state: OutboxState, can_void: bool) -> frozenset[str]:
    """What the console offers; no "void" where the back office cannot reverse a sale."""
    allowed = {name for name in ("retry", "skip") if state in ALLOWED_FROM[name]}
    if state is OutboxState.IN_FLIGHT:
        allowed.discard("skip")  # the worker has it right now: let the attempt end first
    if state is OutboxState.DONE and can_void:
        allowed.add("void")
    return frozenset(allowed)


def _hint(entry: OutboxEntry) -> str:
    if entry.hint:
        return entry.hint
    try:
        return FailureKind(entry.last_error_kind).hint if entry.last_error_kind else ""
    except ValueError:
        return ""


async def _tax_missing(engine: Engine, connection: str, order: Order) -> list[Missing]:
    """The booking check's rule: a line's Woo tax class must be some mapping's target."""
    mapped = await engine.store.mappings.of_kind(MappingKind.TAX_CLASS, connection=connection)
    known = {"" if target == "standard" else target for target in mapped.values()}
    used = {line.tax_class for line in (*order.lines, *order.fees)}
    return [Missing("tax_class", c, f"tax class {c or 'standard'!r}") for c in sorted(used - known)]


def _booked_line(line: OrderLine) -> BookedLine:
    return BookedLine(
        quantity=format(line.quantity.normalize(), "f"),
        sku=line.sku,
        name=line.name,
        total=f"{line.total.amount} {line.total.currency}",
        backoffice_product=line.backoffice_product_id,
    )


async def _booking_view(
    engine: Engine, connection: str, data: Mapping[str, Any], problems: tuple[LineProblem, ...]
) -> dict[str, Any]:
    """What the engine's own booking check makes of the order (ids resolved, or missing)."""
    try:
        order = order_from_woo(data)
    except OrderDataError as error:
        return {"unreadable": error.message}
    prepared = (await BookingCheck(engine.store, connection).prepare(order)).order
    missing = []
    if prepared.payment.backoffice_method_id is None:
        gateway = prepared.payment.method_id
        missing.append(Missing("payment", gateway, f"payment gateway {gateway!r}"))
    missing += await _tax_missing(engine, connection, order)
    lines = tuple(_booked_line(line) for line in prepared.lines)
    gone = {p.line for p in problems if not p.deactivated}
    missing += [
        Missing("product", b.sku, f"product {b.sku or b.name!r} not linked")
        for number, b in enumerate(lines, start=1)
        if b.backoffice_product is None and number not in gone
    ]
    if any(b.backoffice_product is None for n, b in enumerate(lines, 1) if n in gone):
        missing.append(Missing("default", FALLBACK_PRODUCT, FALLBACK_LABEL))
    return {
        "missing": tuple(missing),
        "booked_lines": lines,
        "backoffice_payment": prepared.payment.backoffice_method_id,
    }


async def order_detail(engine: Engine, connection: str, woo_order_id: int) -> OrderDetail | None:
    entry = await engine.store.outbox.get(woo_order_id, connection=connection)
    if entry is None:
        return None
    order = _payload(entry)
    woo_url = str(engine.config.connections[connection].woo.url).rstrip("/")
    debt = await engine.store.writebacks.get(woo_order_id, connection=connection)
    actions = _actions(entry.state, engine.can_void(connection))
    problems = await known_line_problems(engine, connection, entry)
    title = backoffice_title(engine, connection)
    return OrderDetail(
        entry=entry,
        row=_order_row(entry),
        order=order,
        history=tuple(await engine.store.outbox.history(woo_order_id, connection=connection)),
        admin_url=f"{woo_url}/wp-admin/post.php?post={woo_order_id}&action=edit",
        hint=_hint(entry),
        actions=actions | ({"writeback"} if debt is not None else set()),
        writeback=debt,
        line_problems=problems,
        explained=tuple(p.describe(title, engine.config.tz) for p in problems),
        **await _booking_view(engine, connection, order, problems),
    )


def pretty_capture(text: str | None) -> str:
    """A stored (already redacted) request/response, indented when it is JSON."""
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text
