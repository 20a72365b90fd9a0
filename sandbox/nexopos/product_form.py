"""``PUT /api/products/{id}``: the whole product form, as NexoPOS's own editor sends it.

NexoPOS updates a product from its full form (``ProductCrud::getFlatForm``
over ``{name, variations:[{identification, taxes, units:{selling_group}}]}``)
[V: source]; it has no partial update.  A form without a section fails on
the missing key with a 500 [I: the same PHP "Undefined array key" the create
path shows], and a unit missing from ``selling_group`` loses its unit
quantity row [I] - so a client must send back everything it read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.nexopos.seed import price_columns
from sandbox.nexopos.state import NexoSandbox, now_text
from sandbox.nexopos.wire import body_of, error_500, model_missing, success

__all__ = ["update_product"]

_IDENTIFICATION = ("barcode", "barcode_type", "sku", "category_id", "product_type", "type",
                   "status", "stock_management", "description")  # fmt: skip
_TIERS = ("sale_price", "wholesale_price", "custom_price")


def _section(form: dict[str, Any], key: str, request: Request) -> Any:
    if key not in form:
        raise error_500(f'Undefined array key "{key}"', request)
    return form[key]


def _apply_units(
    sb: NexoSandbox, product: dict[str, Any], groups: list[Any], request: Request
) -> None:
    rate = Decimal(str(sb.tax_groups[product["tax_group_id"]]["taxes"][0]["rate"]))
    kept = set()
    for item in groups:
        unit_id = int(_section(item, "unit_id", request))
        row = next((q for q in sb.quantities_of(product["id"]) if q["unit_id"] == unit_id), None)
        if row is None:
            raise error_500(f"Unable to find the unit {unit_id} for this product.", request)
        for tier in _TIERS:
            if f"{tier}_edit" in item:
                row |= price_columns(tier, Decimal(str(item[f"{tier}_edit"])), rate)
        row["updated_at"] = now_text()
        kept.add(row["id"])
    for row in sb.quantities_of(product["id"]):
        if row["id"] not in kept:
            del sb.unit_quantities[row["id"]]


async def update_product(sb: NexoSandbox, request: Request) -> Response:
    body = await body_of(request)
    form = body if isinstance(body, dict) else {}
    key = request.path_params["product"]
    with sb.lock:
        product = sb.products.get(int(key)) if key.isdigit() else None
        if product is None:
            raise model_missing("Product", key)
        if not form.get("name"):
            raise error_500("The name field is required.", request)
        variation = (_section(form, "variations", request) or [{}])[0]
        identification = _section(variation, "identification", request)
        taxes = _section(variation, "taxes", request)
        units = _section(variation, "units", request)
        product |= {k: identification[k] for k in _IDENTIFICATION if k in identification}
        product |= {
            "name": form["name"], "tax_group_id": int(taxes["tax_group_id"]),
            "tax_type": taxes.get("tax_type", "inclusive"), "updated_at": now_text(),
        }  # fmt: skip
        _apply_units(sb, product, _section(units, "selling_group", request), request)
        body = dict(product) | {
            "unit_quantities": [dict(q) for q in sb.quantities_of(product["id"])]
        }
    return success("The product has been updated.", {"product": body})
