"""Stock endpoints: per-warehouse ``productStocks`` feed and per-product stocks.

An org unit that exists but holds no warehouse answers 204 ([I]: "the list
is empty" rather than an error).  Stock rows sort by ``revision`` only.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.gate import Handler
from sandbox.korona.listing import parse_sort, sort_rows
from sandbox.korona.routes_masterdata import not_found
from sandbox.korona.stock import StockRow, stock_json
from sandbox.korona.wire import empty, query_int, result_list

__all__ = ["stock_routes"]

SORT_KEYS: dict[str, Any] = {"revision": lambda r: r.revision}


def _render(kb: KoronaSandbox) -> Any:
    def render(row: StockRow) -> dict[str, Any]:
        return stock_json(row, kb.catalog.table.get(row.product_id), kb.master)

    return render


async def org_unit_stocks(kb: KoronaSandbox, request: Request) -> Response:
    key = request.path_params["organizationalUnitId"]
    sort = parse_sort(request, SORT_KEYS)
    revision = query_int(request, "revision")
    with kb.lock:
        unit = kb.master.get("organizationalUnits", key)
        if unit is None:
            raise not_found("organizational unit", key)
        table = kb.stock.warehouses.get(unit.id)
        if table is None:
            return empty()
        if revision is not None:
            rows = sort_rows(table.since(revision), sort, SORT_KEYS)
        else:
            rows = table.view(sort, lambda rows: sort_rows(rows, sort, SORT_KEYS))
        return result_list(request, rows, kb.stock.max_revision, _render(kb))


async def product_stocks(kb: KoronaSandbox, request: Request) -> Response:
    sort = parse_sort(request, SORT_KEYS)
    revision = query_int(request, "revision") or 0
    with kb.lock:
        product = kb.catalog.require(request.path_params["productId"])
        rows = [r for r in kb.stock.for_product(product.id) if r.revision > revision]
        rows = sort_rows(rows, sort, SORT_KEYS)
        return result_list(request, rows, kb.stock.max_revision, _render(kb))


def stock_routes() -> list[tuple[str, Handler, str]]:
    return [
        ("/organizationalUnits/{organizationalUnitId}/productStocks", org_unit_stocks, "GET"),
        ("/products/{productId}/stocks", product_stocks, "GET"),
    ]
