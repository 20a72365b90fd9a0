"""Order routes: create, read, list, CRUD search, void, refund, delete, payment types."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.nexopos import orders
from sandbox.nexopos.state import NexoSandbox
from sandbox.nexopos.wire import body_of, json_response, paginate, success

__all__ = ["order_routes"]

_STATUS_LABELS = {
    "paid": "Paid", "partially_paid": "Partially Paid", "unpaid": "Unpaid", "hold": "Hold",
    "order_void": "Void", "refunded": "Refunded", "partially_refunded": "Partially Refunded",
}  # fmt: skip
_TYPE_LABELS = {"takeaway": "Take Away", "delivery": "Delivery"}


def _public(order: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in order.items() if k != "stock_taken"}


def _money(value: float) -> str:
    whole, _, cents = f"{value:.2f}".partition(".")
    return f"USD {whole},{cents} "


def _crud_row(order: dict[str, Any]) -> dict[str, Any]:
    row = {
        k: v for k, v in _public(order).items() if k not in ("products", "payments", "addresses")
    }
    return row | {
        "total": _money(order["total"]), "subtotal": _money(order["subtotal"]),
        "type": _TYPE_LABELS.get(order["type"], order["type"]),
        "payment_status": _STATUS_LABELS.get(order["payment_status"], order["payment_status"]),
        "$checked": False, "$toggled": False, "$id": order["id"], "$actions": [],
    }  # fmt: skip


async def create(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    with sb.lock:
        order = orders.create_order(sb, body, request)
        delay = sb.knobs.answer_delay if sb.knobs.delay_times > 0 else 0.0
        if delay:
            sb.knobs.delay_times -= 1
    if delay:
        await asyncio.sleep(delay)  # stored, the answer is late: the client may give up
    return success("The order has been placed.", {"order": _public(order)})


async def list_orders(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        rows = [_public(o) for o in sorted(sb.orders.values(), key=lambda o: -o["id"])]
    limit = request.query_params.get("limit")
    return json_response(rows[: int(limit)] if limit and limit.isdigit() else rows)


async def single(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        return json_response(_public(orders.order_of(sb, request.path_params["id"])))


def _part(name: str):
    async def handler(sb: NexoSandbox, request: Request) -> Response:
        with sb.lock:
            order = orders.order_of(sb, request.path_params["id"])
            return json_response([dict(row) for row in order[name]])

    return handler


async def order_refunds(sb: NexoSandbox, request: Request) -> Response:
    """``GET /orders/{id}/refunds`` [V: route]: the order's refund rows, a partial one
    (left by a failed refund) included [I: the row's columns]."""
    with sb.lock:
        order = orders.order_of(sb, request.path_params["id"])
        rows = [dict(r) for r in sb.refunds if r["order_id"] == order["id"]]
    return json_response(rows)


async def crud_orders(sb: NexoSandbox, request: Request) -> Response:
    search = request.query_params.get("search", "").lower()
    with sb.lock:
        rows = [_crud_row(o) for o in sorted(sb.orders.values(), key=lambda o: -o["id"])]
    if search:
        rows = [
            r for r in rows if any(search in str(r.get(c) or "").lower() for c in ("code", "title"))
        ]
    return json_response(paginate(rows, request))


async def void(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    with sb.lock:
        order = orders.void_order(sb, request.path_params["id"], body)
    return success("The order has been voided.", _public(order))


async def refund(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    with sb.lock:
        results = orders.refund_order(sb, request.path_params["id"], body, request)
    return success("The order has been successfully refunded.", results)


async def delete(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        order = orders.order_of(sb, request.path_params["id"])
        if order["payment_status"] != "order_void":
            orders.void_order(sb, str(order["id"]), {"reason": "deleted"})
        del sb.orders[order["id"]]
    return success("The order has been deleted.", [])


async def payment_types(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        options = [
            dict(p) | {"value": p["identifier"]} for p in sb.payment_types.values() if p["active"]
        ]
    field = {
        "label": "Payment Type",
        "name": "identifier",
        "validation": "required",
        "options": options,
    }
    return json_response([field])


def order_routes() -> list[tuple[str, Any, str, str | None]]:
    read = "nexopos.read.orders"
    return [
        ("/orders", list_orders, "GET", read),
        ("/orders", create, "POST", "nexopos.create.orders"),
        ("/orders/payments", payment_types, "GET", read),
        ("/orders/{id:int}", single, "GET", read),
        ("/orders/{id}/products", _part("products"), "GET", read),
        ("/orders/{id}/payments", _part("payments"), "GET", read),
        ("/orders/{id}/refunds", order_refunds, "GET", read),
        ("/orders/{id}/void", void, "POST", "nexopos.void.orders"),
        ("/orders/{id}/refund", refund, "POST", "nexopos.refund.orders"),
        ("/orders/{id}", delete, "DELETE", "nexopos.delete.orders"),
        ("/crud/ns.orders", crud_orders, "GET", read),
    ]
