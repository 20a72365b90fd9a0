"""``POST /api/products`` (a new product from its form) and ``POST /api/products/adjustments``.

Create takes the same form the editor sends (``{name, variations:[{identification,
expiracy, taxes, units:{unit_group, selling_group}, images, groups}]}``) [V:
``ProductsController``/``ProductService::create``, ``WithProductTest``] and answers
``{status:"success", message, data:{product:{…, unit_quantities:[…]}}}`` [V-run].
A section left out fails on the missing key, a used barcode is refused with its
PHP message [V-run]; an unknown category, unit group, unit or tax group fails
with "Unable to find …" [I: wording].  New unit quantities hold no stock: stock
arrives through an adjustment.

An adjustment ``set`` makes a unit's quantity absolute; ``adjust_unit`` needs
``sale_price`` or PHP fails on the key [V-run]; a history row is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.nexopos.seed import price_columns
from sandbox.nexopos.state import NexoSandbox, now_text
from sandbox.nexopos.wire import body_of, error_500, success

__all__ = ["adjust_stock", "create_product"]

_TIERS = ("sale_price", "wholesale_price", "custom_price")


def _key(form: Any, key: str, request: Request) -> Any:
    if not isinstance(form, dict) or key not in form:
        raise error_500(f'Undefined array key "{key}"', request)
    return form[key]


def _known(table: dict[int, Any], value: Any, what: str, request: Request) -> int:
    try:
        key = int(value)
    except (TypeError, ValueError):
        key = -1
    if key not in table:
        raise error_500(f"Unable to find the {what} using the provided id {value}.", request)
    return key


def _identification(sb: NexoSandbox, form: Any, request: Request) -> dict[str, Any]:
    ident = _key(form, "identification", request)
    barcode = str(ident.get("barcode") or "")
    for product in sb.products.values():
        if barcode and product.get("barcode") == barcode:
            raise error_500(f'The provided barcode "{barcode}" is already in use.', request)
        if ident.get("sku") and product.get("sku") == ident["sku"]:
            raise error_500(f'The provided SKU "{ident["sku"]}" is already in use.', request)
    category = _known(sb.categories, ident.get("category_id"), "category", request)
    return {
        "sku": str(ident.get("sku") or ""), "barcode": barcode,
        "barcode_type": ident.get("barcode_type") or "code128", "category_id": category,
        "description": str(ident.get("description") or ""),
        "product_type": ident.get("product_type") or "product",
        "type": ident.get("type") or "materialized",
        "status": ident.get("status") or "available",
        "stock_management": ident.get("stock_management") or "enabled",
        "searchable": bool(ident.get("searchable", True)), "parent_id": 0,
    }  # fmt: skip


def _unit_rows(
    sb: NexoSandbox, product: dict[str, Any], group: list[Any], request: Request
) -> None:
    rate = Decimal(str(sb.tax_groups[product["tax_group_id"]]["taxes"][0]["rate"]))
    for item in group:
        unit_id = _known(sb.units, _key(item, "unit_id", request), "unit", request)
        row_id = sb.next_id("unit_quantities")
        row: dict[str, Any] = {
            "id": row_id, "product_id": product["id"], "unit_id": unit_id, "quantity": 0.0,
            "low_quantity": 0, "stock_alert_enabled": False, "barcode": None,
            "visible": True, "cogs": 0, "updated_at": now_text(),
        }  # fmt: skip
        for tier in _TIERS:
            row |= price_columns(tier, Decimal(str(item.get(f"{tier}_edit") or 0)), rate)
        sb.unit_quantities[row_id] = row


async def create_product(sb: NexoSandbox, request: Request) -> Response:
    form = await body_of(request)
    if not isinstance(form, dict) or not form.get("name"):
        raise error_500("The name field is required.", request)
    variation = (_key(form, "variations", request) or [{}])[0]
    taxes = _key(variation, "taxes", request)
    units = _key(variation, "units", request)
    with sb.lock:
        ident = _identification(sb, variation, request)
        tax_group = _known(sb.tax_groups, taxes.get("tax_group_id"), "tax group", request)
        unit_group = _known(sb.unit_groups, units.get("unit_group"), "unit group", request)
        product_id = sb.next_id("products")
        stamp = now_text()
        product = {"id": product_id, "name": str(form["name"]), **ident,
                   "barcode": ident["barcode"] or f"2{product_id:012d}",
                   "tax_type": taxes.get("tax_type") or "inclusive", "tax_group_id": tax_group,
                   "tax_value": "0.00000", "unit_group": unit_group,
                   "created_at": stamp, "updated_at": stamp}  # fmt: skip
        sb.products[product_id] = product
        _unit_rows(sb, product, _key(units, "selling_group", request), request)
        body = dict(product) | {"unit_quantities": [dict(q) for q in sb.quantities_of(product_id)]}
    return success("The product has been saved.", {"product": body})


async def adjust_stock(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    with sb.lock:
        for item in _key(body, "products", request) or []:
            product_id = _known(sb.products, _key(item, "id", request), "product", request)
            unit = _key(item, "adjust_unit", request)
            _key(unit, "sale_price", request)
            row = next(
                (q for q in sb.quantities_of(product_id) if q["unit_id"] == unit.get("unit_id")),
                None,
            )
            if row is None:
                raise error_500("Unable to find the unit quantity for this product.", request)
            action = _key(item, "adjust_action", request)
            quantity = float(Decimal(str(_key(item, "adjust_quantity", request))))
            if action != "set":
                raise error_500(f"The action {action!r} is not supported here.", request)
            before, row["quantity"], row["updated_at"] = row["quantity"], quantity, now_text()
            sb.histories.append({
                "product_id": product_id, "unit_id": row["unit_id"], "action": "set",
                "before_quantity": before, "quantity": quantity, "after_quantity": quantity,
            })  # fmt: skip
    return success("The adjustment has been saved.", [])
