"""Catalogue routes: categories, products, unit quantities, units, tax groups, CRUD lists.

Plain lists are unpaginated and raw (numbers as numbers) [V-run]; the CRUD
namespaces page with Laravel's paginator and ``ns.products`` rows are
display-formatted by ``ProductCrud::setActions`` (status ``Available``/
``Hidden``, ``rawType``, ``rawStockManagement``, ``category_name``,
``$actions``/``$checked``/``$id``) [V: source], while ``ns.products-units``
rows are left as stored (its ``setActions`` returns the entry) [V: source;
I: joined ``products_name``/``units_name`` columns].
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.nexopos.product_create import adjust_stock, create_product
from sandbox.nexopos.product_form import update_product
from sandbox.nexopos.state import NexoSandbox
from sandbox.nexopos.wire import error_500, json_response, model_missing, paginate

__all__ = ["catalog_routes", "find_product"]

READ_PRODUCTS = "nexopos.read.products"


def _crud_extras(row: dict[str, Any]) -> dict[str, Any]:
    return row | {"$checked": False, "$toggled": False, "$id": row["id"], "$actions": []}


def find_product(sb: NexoSandbox, identifier: str, arg: str, request: Request) -> dict[str, Any]:
    """``ProductService::getProductUsingArgument``: a PHP exception when absent."""
    column = arg if arg in ("id", "sku", "barcode") else "id"
    for product in sb.products.values():
        if str(product[column]) == identifier:
            return product
    raise error_500(
        f'Unable to find the product, as the argument "{column}" with the value '
        f'"{identifier}" is not defined.',
        request,
    )


async def list_products(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        rows = [dict(p) for p in sb.products.values() if p["product_type"] != "variation"]
    return json_response(rows)


async def all_variations(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        rows = [dict(p) for p in sb.products.values() if p["product_type"] == "variation"]
    return json_response(rows)


async def single_product(sb: NexoSandbox, request: Request) -> Response:
    identifier = request.path_params["identifier"]
    with sb.lock:
        product = find_product(sb, identifier, request.query_params.get("as", "id"), request)
        body = dict(product) | {
            "unit_quantities": [dict(q) for q in sb.quantities_of(product["id"])]
        }
    return json_response(body)


async def unit_quantities(sb: NexoSandbox, request: Request) -> Response:
    key = request.path_params["product"]
    with sb.lock:
        product = sb.products.get(int(key)) if key.isdigit() else None
        if product is None:
            raise model_missing("Product", key)
        rows = [
            dict(q) | {"unit": dict(sb.units[q["unit_id"]])}
            for q in sb.quantities_of(product["id"])
        ]
    return json_response(rows)


async def list_categories(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        rows = [dict(c) for c in sb.categories.values()]
    if request.query_params.get("parent") == "true":
        rows = [c for c in rows if not c["parent_id"]]
    return json_response(rows)


def _table(name: str) -> Any:
    async def handler(sb: NexoSandbox, request: Request) -> Response:
        with sb.lock:
            return json_response([dict(r) for r in getattr(sb, name).values()])

    return handler


async def user_permissions(sb: NexoSandbox, request: Request) -> Response:
    secret = request.headers["authorization"].partition(" ")[2]
    with sb.lock:
        granted = sorted(sb.tokens[secret].permissions)
    return json_response([{"namespace": p, "name": p.replace(".", " ").title()} for p in granted])


def _product_crud_row(sb: NexoSandbox, product: dict[str, Any]) -> dict[str, Any]:
    category = sb.categories.get(product["category_id"] or 0)
    row = dict(product) | {
        "rawType": product["type"],
        "rawStockManagement": product["stock_management"],
        "stock_management": "Enabled" if product["stock_management"] == "enabled" else "Disabled",
        "status": "Available" if product["status"] == "available" else "Hidden",
        "category_name": category["name"] if category else "Unassigned",
        "user_username": "admin",
    }
    return _crud_extras(row)


def _matches(row: dict[str, Any], search: str, columns: tuple[str, ...]) -> bool:
    needle = search.lower()
    return any(needle in str(row.get(c) or "").lower() for c in columns)


async def crud_products(sb: NexoSandbox, request: Request) -> Response:
    """Paged first, then the page's rows formatted (as Laravel formats only its page)."""
    search = request.query_params.get("search", "")
    with sb.lock:
        rows = sorted(sb.products.values(), key=lambda p: p["id"])
        if search:
            rows = [r for r in rows if _matches(r, search, ("name", "sku", "barcode"))]
        page = paginate(rows, request)
        page["data"] = [_product_crud_row(sb, p) for p in page["data"]]
    return json_response(page)


async def crud_unit_quantities(sb: NexoSandbox, request: Request) -> Response:
    with sb.lock:
        page = paginate(sorted(sb.unit_quantities.values(), key=lambda q: q["id"]), request)
        page["data"] = [
            _crud_extras(
                dict(q)
                | {
                    "products_name": sb.products[q["product_id"]]["name"],
                    "units_name": sb.units[q["unit_id"]]["name"],
                }
            )
            for q in page["data"]
        ]
    return json_response(page)


def catalog_routes() -> list[tuple[str, Any, str, str | None]]:
    units = "nexopos.read.products-units"
    return [
        ("/user/permissions", user_permissions, "GET", None),
        ("/categories", list_categories, "GET", "nexopos.read.categories"),
        ("/products", list_products, "GET", READ_PRODUCTS),
        ("/products/all/variations", all_variations, "GET", READ_PRODUCTS),
        ("/products/{identifier}", single_product, "GET", READ_PRODUCTS),
        ("/products/{product}/units/quantities", unit_quantities, "GET", READ_PRODUCTS),
        ("/units", _table("units"), "GET", units),
        ("/units-groups", _table("unit_groups"), "GET", units),
        ("/taxes/groups", _table("tax_groups"), "GET", "nexopos.read.taxes"),
        ("/customers-groups", _table("customer_groups"), "GET", "nexopos.read.customers-groups"),
        ("/products/{product}", update_product, "PUT", "nexopos.update.products"),
        ("/products", create_product, "POST", "nexopos.create.products"),
        ("/products/adjustments", adjust_stock, "POST", "nexopos.make.products-adjustments"),
        ("/crud/ns.products", crud_products, "GET", READ_PRODUCTS),
        ("/crud/ns.products-units", crud_unit_quantities, "GET", READ_PRODUCTS),
    ]
