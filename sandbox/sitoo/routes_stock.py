"""Warehouse routes: list, items (read and the Virtual write), transactions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.sitoo import stock
from sandbox.sitoo.account import SitooSandbox
from sandbox.sitoo.gate import site_of
from sandbox.sitoo.wire import (
    SKU,
    SitooError,
    envelope,
    json_body,
    query_int,
    query_list,
    require_decimal,
)

__all__ = ["stock_routes"]

S = "/sites/{siteid}"
_MAX_TRANSACTION_ITEMS = 1000


async def get_warehouses(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    with sb.lock:
        rows = [dict(w) for w in sb.warehouses.values()]
    return envelope(request, rows, sb.knobs.page_cap)


async def get_items(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    since = query_int(request, "datelastmodifiedfrom")
    until = query_int(request, "datelastmodifiedto")
    skus = set(query_list(request, "sku"))
    with sb.lock:
        wid = stock.warehouse(sb, request.path_params["warehouseid"])["warehouseid"]
        items = sorted(sb.warehouse_items.get(wid, {}).values(), key=lambda r: r["warehouseitemid"])
        rows = [
            stock.item_row(r)
            for r in items
            if (since is None or r["datelastmodified"] >= since)
            and (until is None or r["datelastmodified"] <= until)
            and (not skus or r["sku"] in skus)
        ]
    return envelope(request, rows, sb.knobs.page_cap)


def _set_item(sb: SitooSandbox, wid: int, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or not SKU.fullmatch(str(item.get("sku", ""))):
        return {"statuscode": 400, "return": 0, "errortext": "sku: required"}
    try:
        total = require_decimal(item.get("decimaltotal"), "decimaltotal")
    except SitooError as error:
        return {"statuscode": 400, "return": 0, "errortext": error.text}
    return {"statuscode": 200, "return": stock.set_total(sb, wid, item["sku"], total)}


async def put_items(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    body = await json_body(request)
    if not isinstance(body, list) or not body:
        raise SitooError(400, "expected a non-empty JSON array")
    with sb.lock:
        row = stock.warehouse(sb, request.path_params["warehouseid"])
        if any(isinstance(i, dict) and "decimaltotal" in i for i in body):
            stock.require_virtual(row)
        results = [_set_item(sb, row["warehouseid"], item) for item in body]
    return JSONResponse(results)


def _transaction(sb: SitooSandbox, body: Any) -> int:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise SitooError(400, "warehousetransaction: warehouseid and items required")
    row = stock.warehouse(sb, str(body.get("warehouseid")))
    stock.require_not_virtual(row)
    if len(body["items"]) > _MAX_TRANSACTION_ITEMS:
        raise SitooError(400, "at most 1000 items per request")
    for item in body["items"]:
        sku = str(item.get("sku", "")) if isinstance(item, dict) else ""
        if not SKU.fullmatch(sku):
            raise SitooError(400, "items: sku required")
        delta = require_decimal(item.get("decimalquantity"), "decimalquantity")
        stock.adjust(sb, row["warehouseid"], sku, delta, kind="transaction")
    return sb.next_id("transactionbatch")


async def post_transactions(sb: SitooSandbox, request: Request) -> Response:
    site_of(sb, request)
    body = await json_body(request)
    if not isinstance(body, list):
        with sb.lock:
            return JSONResponse(_transaction(sb, body))
    results = []
    with sb.lock:
        for item in body:
            try:
                results.append({"statuscode": 200, "return": _transaction(sb, item)})
            except SitooError as error:
                results.append({"statuscode": error.status, "return": 0, "errortext": error.text})
    return JSONResponse(results)


def stock_routes() -> list[tuple[str, Any, str]]:
    items = f"{S}/warehouses/{{warehouseid}}/warehouseitems.json"
    return [
        (f"{S}/warehouses.json", get_warehouses, "GET"),
        (items, get_items, "GET"),
        (items, put_items, "PUT"),
        (f"{S}/warehousetransactions.json", post_transactions, "POST"),
    ]
