"""Order, delivery and voucher routes.

``GET /orders.json`` is the account-level list (the per-site list is
deprecated [V]) with the filters the spec lists; a POST answers the bare
``orderid`` [V: "Returns orderid"].  ``commit_then_hang`` (knobs) stores the
order and withholds the answer, so a client times out on a write that
happened and must look the order up by ``externalid`` before sending again.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.sitoo import orders
from sandbox.sitoo.account import SitooSandbox
from sandbox.sitoo.gate import empty_ok, not_found, site_of
from sandbox.sitoo.wire import (
    SitooError,
    envelope,
    json_body,
    ok,
    query_int,
    query_list,
    require_money,
)

__all__ = ["order_routes"]

S = "/sites/{siteid}"
_STATE_WORDS = {orders.OPEN: "open", orders.CLOSED: "closed", orders.CANCELLED: "cancelled"}


def _ints(request: Request, name: str) -> set[int]:
    values = query_list(request, name)
    if not all(v.lstrip("-").isdigit() for v in values):
        raise SitooError(400, f"{name}: integers expected")
    return {int(v) for v in values}


def _order_filter(request: Request):
    shops, ids = _ints(request, "eshopid"), _ints(request, "orderid")
    states, externals = _ints(request, "orderstate"), set(query_list(request, "externalid"))
    first = query_int(request, "orderidfrom")
    dated_from, dated_to = query_int(request, "orderdatefrom"), query_int(request, "orderdateto")

    def keep(row: dict[str, Any]) -> bool:
        return (
            (not shops or row["eshopid"] in shops)
            and (not ids or row["orderid"] in ids)
            and (not states or row["orderstateid"] in states)
            and (not externals or row.get("externalid") in externals)
            and (first is None or row["orderid"] >= first)
            and (dated_from is None or row["orderdate"] >= dated_from)  # unix, inclusive [I]
            and (dated_to is None or row["orderdate"] <= dated_to)
        )

    return keep


async def get_orders(sb: SitooSandbox, request: Request) -> Response:
    keep = _order_filter(request)
    descending = request.query_params.get("sort", "orderid") == "-orderid"
    with sb.lock:
        rows = [dict(o) for o in sb.orders.values() if keep(o)]
    rows.sort(key=lambda o: o["orderid"], reverse=descending)
    return envelope(request, rows, sb.knobs.page_cap)


async def post_order(sb: SitooSandbox, request: Request) -> Response:
    eshopid = site_of(sb, request)
    body = await json_body(request)
    with sb.lock:
        oid = orders.create_order(sb, eshopid, body)
        hang = sb.knobs.commit_then_hang > 0
        sb.knobs.commit_then_hang -= int(hang)
    sb.emit("order", {"order_id": oid, "order_event_type": "add"})
    if hang:
        await asyncio.sleep(sb.knobs.hang_seconds)
    return JSONResponse(oid)


def _order(sb: SitooSandbox, request: Request) -> dict[str, Any]:
    site_of(sb, request)
    raw = request.path_params["orderid"]
    row = sb.orders.get(int(raw)) if raw.isdigit() else None
    if row is None:
        raise not_found(f"order {raw}")
    return row


async def get_order(sb: SitooSandbox, request: Request) -> Response:
    with sb.lock:
        return ok(dict(_order(sb, request)))


async def put_order(sb: SitooSandbox, request: Request) -> Response:
    body = await json_body(request)
    with sb.lock:
        order = _order(sb, request)
        before = order["orderstateid"]
        orders.update_order(sb, order, body)
        after = order["orderstateid"]
    data: dict[str, Any] = {"order_id": order["orderid"], "order_event_type": "update"}
    if after != before and after in _STATE_WORDS:
        data["order_state_changed"] = _STATE_WORDS[after]
    sb.emit("order", data)
    return empty_ok()


async def get_deliveries(sb: SitooSandbox, request: Request) -> Response:
    with sb.lock:
        oid = _order(sb, request)["orderid"]
        rows = [dict(d) for d in sb.deliveries.get(oid, [])]
    return JSONResponse({"totalcount": len(rows), "items": rows})


async def post_delivery(sb: SitooSandbox, request: Request) -> Response:
    body = await json_body(request)
    with sb.lock:
        order = _order(sb, request)
        did = orders.deliver(sb, order, body)
    sb.emit(
        "order-delivery",
        {
            "order_id": order["orderid"],
            "order_delivery_id": did,
            "warehouse_id": body["warehouseid"],
            "state": "delivered",
        },
    )
    return JSONResponse(did)


async def get_vouchers(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    with sb.lock:
        rows = [dict(v) for v in sb.vouchers.values()]
    return envelope(request, rows, sb.knobs.page_cap)


def _voucher_fields(body: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise SitooError(400, "voucher must be an object")
    merged = {**(current or {}), **body}
    if not merged.get("vouchername") or not isinstance(merged.get("vouchertype"), int):
        raise SitooError(400, "vouchername and vouchertype: required")
    for name in ("money_m", "money_n"):
        if name in body:
            require_money(body[name], name)
    return body


async def post_voucher(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    body = await json_body(request)
    with sb.lock:
        fields = _voucher_fields(body, None)
        vid = sb.next_id("voucher")
        sb.vouchers[vid] = {"voucherid": vid, "datecreated": sb.now(), **fields}
    return JSONResponse(vid)


async def put_voucher(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    body = await json_body(request)
    raw = request.path_params["voucherid"]
    with sb.lock:
        current = sb.vouchers.get(int(raw)) if raw.isdigit() else None
        if current is None:
            raise not_found(f"voucher {raw}")
        current.update(_voucher_fields(body, current))
    return empty_ok()


def order_routes() -> list[tuple[str, Any, str]]:
    one = f"{S}/orders/{{orderid}}"
    return [
        ("/orders.json", get_orders, "GET"),
        (f"{S}/orders.json", post_order, "POST"),
        (f"{one}.json", get_order, "GET"),
        (f"{one}.json", put_order, "PUT"),
        (f"{one}/orderdeliveries.json", get_deliveries, "GET"),
        (f"{one}/orderdeliveries.json", post_delivery, "POST"),
        (f"{S}/vouchers.json", get_vouchers, "GET"),
        (f"{S}/vouchers.json", post_voucher, "POST"),
        (f"{S}/vouchers/{{voucherid}}.json", put_voucher, "PUT"),
    ]
