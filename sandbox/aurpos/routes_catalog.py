"""Read-only catalogue routes: product, variation, taxonomy, tax, price groups, locations.

``GET product`` filters [V/Vd]: ``location_id`` (products sold there),
``category_id``, ``sub_category_id``, ``sku``, ``name`` (LIKE),
``selling_price_group=1`` (each variation then lists its group prices),
``per_page``/``page``.  ``GET product/{ids}`` takes comma-separated ids.
``GET business-location`` lists the locations the token's user may use [I:
the route exists in the Connector, its filtering by the user's role is
inferred].  There is no product, price or stock write [V].
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request

from sandbox.aurpos.state import AurposSandbox, Row, User
from sandbox.aurpos.wire import ApiError, page_of

__all__ = ["CATALOG_ROUTES", "Reader"]

Reader = Callable[[AurposSandbox, User, Request], Awaitable[Any]]


def _int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a number") from None


def _visible(user: User, location_id: int) -> bool:
    return user.locations is None or location_id in user.locations


def _product_matches(row: Row, request: Request) -> bool:
    query = request.query_params
    location = _int(query.get("location_id"), "location_id")
    if location is not None and location not in row["product_locations_ids"]:
        return False
    for name in ("category_id", "sub_category_id"):
        wanted = _int(query.get(name), name)
        if wanted is not None and row[name] != wanted:
            return False
    if query.get("sku") and row["sku"] != query["sku"]:
        return False
    return not query.get("name") or query["name"].lower() in row["name"].lower()


def _public_product(row: Row, with_groups: bool) -> Row:
    shown = copy.deepcopy({k: v for k, v in row.items() if k != "product_locations_ids"})
    for template in shown["product_variations"]:
        for variation in template["variations"]:
            if not with_groups:
                variation.pop("selling_price_group", None)
    return shown


async def list_products(sb: AurposSandbox, user: User, request: Request) -> Any:
    with_groups = request.query_params.get("selling_price_group") == "1"
    with sb.lock:
        rows = [
            _public_product(row, with_groups)
            for _, row in sorted(sb.products.items())
            if _product_matches(row, request)
        ]
    return page_of(request, rows)


async def show_products(sb: AurposSandbox, user: User, request: Request) -> Any:
    ids = [_int(part, "id") for part in request.path_params["ids"].split(",")]
    with sb.lock:
        rows = [_public_product(sb.products[i], True) for i in ids if i in sb.products]
    if not rows:
        raise ApiError(404, "No query results for model [App\\Product].")
    return {"data": rows}


async def list_categories(sb: AurposSandbox, user: User, request: Request) -> Any:
    """Top-level categories with their ``sub_categories`` (two levels) [Vd/I]."""
    with sb.lock:
        rows = list(sb.categories.values())
        tops = [dict(row) for row in rows if row["parent_id"] == 0]
        for top in tops:
            top["sub_categories"] = [dict(r) for r in rows if r["parent_id"] == top["id"]]
    return page_of(request, tops)


async def list_taxes(sb: AurposSandbox, user: User, request: Request) -> Any:
    with sb.lock:
        return page_of(request, [dict(row) for row in sb.taxes.values()])


async def list_price_groups(sb: AurposSandbox, user: User, request: Request) -> Any:
    with sb.lock:
        return {"data": [dict(row) for row in sb.price_groups.values()]}


async def list_locations(sb: AurposSandbox, user: User, request: Request) -> Any:
    with sb.lock:
        rows = [dict(r) for i, r in sorted(sb.locations.items()) if _visible(user, i)]
    return page_of(request, rows)


CATALOG_ROUTES: tuple[tuple[str, str, Reader], ...] = (
    ("GET", "/product", list_products),
    ("GET", "/product/{ids}", show_products),
    ("GET", "/taxonomy", list_categories),
    ("GET", "/tax", list_taxes),
    ("GET", "/selling-price-group", list_price_groups),
    ("GET", "/business-location", list_locations),
)
