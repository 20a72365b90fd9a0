"""Product endpoints: list with filters, get one, batch POST/PATCH/DELETE, PATCH one.

``/products/{productId}`` takes the product's uuid [V: "id should match the
uuid-format"]; a number there is ``400 MALFORMED_MODEL_ID_OR_NUMBER`` (the
gate, see uuids.py).  To find a product by number, list with ``number=``.
Lists keep a cached, filtered view per (includeDeleted, commodityGroup,
sort) so paging through 100 000 products stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.batch import run_batch, write_mode
from sandbox.korona.gate import Handler
from sandbox.korona.listing import parse_sort, sort_rows
from sandbox.korona.products import ProductRow
from sandbox.korona.wire import (
    KoronaError,
    empty,
    json_response,
    query_bool,
    query_int,
    read_batch,
    read_object,
    result_list,
)

__all__ = ["product_routes"]

_VIEW_KEYS = frozenset({"includeDeleted", "commodityGroup", "name", "assortment", "tag", "sort"})
SORT_KEYS: dict[str, Callable[[ProductRow], Any]] = {
    "revision": lambda r: r.revision,
    "number": lambda r: r.number,
    "name": lambda r: r.name,
    "id": lambda r: r.id,
}


def _filters(request: Request) -> list[Callable[[ProductRow], bool]]:
    """Predicates for the filters that are not served from an index."""
    params = request.query_params
    checks: list[Callable[[ProductRow], bool]] = []
    if not query_bool(request, "includeDeleted"):
        checks.append(lambda r: r.active)
    if group := params.get("commodityGroup"):
        checks.append(lambda r: r.group_id == group)
    if name := params.get("name"):
        checks.append(lambda r: name.lower() in r.name.lower())
    if params.get("assortment") or params.get("tag"):
        checks.append(lambda r: False)  # the demo shop uses neither
    return checks


def _indexed(kb: KoronaSandbox, request: Request) -> list[ProductRow] | None:
    """Candidates from the number/barcode indexes, or None to scan everything."""
    params = request.query_params
    if (number := params.get("number")) is not None:
        row = kb.catalog.find(number)
        return [row] if row is not None and row.number == number else []
    if codes := params.get("productCodes"):
        wanted = [c.strip() for c in codes.split(",") if c.strip()]
        if len(wanted) > 10:
            raise KoronaError(400, "INVALID_QUERY_PARAMETER", "productCodes takes at most 10 codes")
        found = {row.id: row for c in wanted if (row := kb.catalog.by_code(c)) is not None}
        return sorted(found.values(), key=lambda r: r.revision)
    return None


async def list_products(kb: KoronaSandbox, request: Request) -> Response:
    sort = parse_sort(request, SORT_KEYS)
    revision = query_int(request, "revision")
    checks = _filters(request)

    def build(rows: list[ProductRow]) -> list[ProductRow]:
        return sort_rows([r for r in rows if all(c(r) for c in checks)], sort, SORT_KEYS)

    with kb.lock:
        table = kb.catalog.table
        candidates = _indexed(kb, request)
        if candidates is not None:
            rows = build([r for r in candidates if revision is None or r.revision > revision])
        elif revision is not None:
            rows = build(table.since(revision))
        else:
            key = tuple(sorted((k, v) for k, v in request.query_params.items() if k in _VIEW_KEYS))
            rows = table.view(key, build)
        return result_list(request, rows, table.max_revision, kb.catalog.render)


async def get_product(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        return json_response(
            kb.catalog.render(kb.catalog.require(request.path_params["productId"]))
        )


async def add_products(kb: KoronaSandbox, request: Request) -> Response:
    mode = write_mode(request)
    merge = bool(query_bool(request, "mergeListItems"))
    items = await read_batch(request)
    return json_response(run_batch(kb, items, lambda i: kb.catalog.write(i, mode, merge)))


async def update_products(kb: KoronaSandbox, request: Request) -> Response:
    merge = bool(query_bool(request, "mergeListItems"))
    items = await read_batch(request)
    return json_response(run_batch(kb, items, lambda i: ("UPDATED", kb.catalog.patch(i, merge))))


async def delete_products(kb: KoronaSandbox, request: Request) -> Response:
    items = await read_batch(request)

    def delete(item: dict[str, Any]) -> tuple[str, ProductRow]:
        key = item.get("id") or item.get("number")
        if not key:
            raise KoronaError(400, "INVALID_MODEL_PROPERTY", "number or id is required")
        return "DELETED", kb.catalog.delete(str(key))

    return json_response(run_batch(kb, items, delete))


async def update_product(kb: KoronaSandbox, request: Request) -> Response:
    merge = bool(query_bool(request, "mergeListItems"))
    item = await read_object(request)
    with kb.lock:
        kb.catalog.patch(item, merge, key=request.path_params["productId"])
        kb.stats.objects_written += 1
    return empty()


async def delete_product(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        kb.catalog.delete(request.path_params["productId"])
        kb.stats.objects_written += 1
    return empty()


def product_routes() -> list[tuple[str, Handler, str]]:
    return [
        ("/products", list_products, "GET"),
        ("/products", add_products, "POST"),
        ("/products", update_products, "PATCH"),
        ("/products", delete_products, "DELETE"),
        ("/products/{productId}", get_product, "GET"),
        ("/products/{productId}", update_product, "PATCH"),
        ("/products/{productId}", delete_product, "DELETE"),
    ]
