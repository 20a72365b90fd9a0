"""Read models of the order outbox for the console's failed-order debugger.

WHY a module of its own: deciding which actions an order allows, which
mapping it is missing and where wp-admin shows it is engine knowledge that
both the TUI and ``tillsync orders show`` can reuse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.errors import FailureKind
from engine.runtime.engine import Engine
from engine.store import OutboxEntry, OutboxState, OutboxTransition
from engine.store.mappings import MappingKind
from engine.store.outbox_records import ALLOWED_FROM

__all__ = ["OrderDetail", "OrderRow", "order_detail", "order_page", "pretty_capture"]


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


@dataclass(frozen=True)
class OrderDetail:
    """The failed-order debugger's view of one order."""

    entry: OutboxEntry
    row: OrderRow
    order: Mapping[str, Any] = field(repr=False)
    history: tuple[OutboxTransition, ...]
    admin_url: str
    hint: str
    actions: frozenset[str]  # of "retry", "skip", "void"
    missing_mapping: tuple[MappingKind, str] | None  # (kind, source) to jump to

    @property
    def lines(self) -> tuple[str, ...]:
        items = self.order.get("line_items") or []
        return tuple(
            f"{i.get('quantity', '?')} × {i.get('sku') or '(no SKU)'}  {i.get('name', '')}"
            f"  {i.get('total', '')}"
            for i in items
        )


def _actions(state: OutboxState) -> frozenset[str]:
    allowed = {name for name in ("retry", "skip") if state in ALLOWED_FROM[name]}
    if state is OutboxState.DONE:
        allowed.add("void")
    return frozenset(allowed)


def _hint(entry: OutboxEntry) -> str:
    if entry.hint:
        return entry.hint
    try:
        return FailureKind(entry.last_error_kind).hint if entry.last_error_kind else ""
    except ValueError:
        return ""


async def _missing_payment(
    engine: Engine, connection: str, order: Mapping[str, Any]
) -> tuple[MappingKind, str] | None:
    gateway = str(order.get("payment_method") or "")
    if not gateway:
        return None
    mapped = await engine.store.mappings.get(MappingKind.PAYMENT, gateway, connection=connection)
    backend = engine.config.connections[connection].backend
    configured = getattr(backend, "payment_methods", {}) or {}
    default = getattr(backend, "default_payment_method", None)
    if mapped or gateway in configured or default:
        return None
    return MappingKind.PAYMENT, gateway


async def order_detail(engine: Engine, connection: str, woo_order_id: int) -> OrderDetail | None:
    entry = await engine.store.outbox.get(woo_order_id, connection=connection)
    if entry is None:
        return None
    order = _payload(entry)
    woo_url = str(engine.config.connections[connection].woo.url).rstrip("/")
    attention = entry.state in (OutboxState.FAILED, OutboxState.HELD)
    return OrderDetail(
        entry=entry,
        row=_order_row(entry),
        order=order,
        history=tuple(await engine.store.outbox.history(woo_order_id, connection=connection)),
        admin_url=f"{woo_url}/wp-admin/post.php?post={woo_order_id}&action=edit",
        hint=_hint(entry),
        actions=_actions(entry.state),
        missing_mapping=await _missing_payment(engine, connection, order) if attention else None,
    )


def pretty_capture(text: str | None) -> str:
    """A stored (already redacted) request/response, indented when it is JSON."""
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text
