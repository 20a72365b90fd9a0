"""New shop products created in NexoPOS (``products.create``), with the configured defaults.

The SKU is looked up first (:func:`.pairing.find_by_sku`): a product NexoPOS
already holds is linked, never created twice.  Otherwise the whole form
goes to ``POST /api/products`` [V] with ``default_unit_group_id``,
``default_unit_id`` and ``default_tax_group_id`` (the shop knows none of them), the
shop's price on the configured tier of that unit, and the category the shop's
category is linked to - or ``default_category_id`` with a note when NexoPOS has
none of them.  A product the shop manages stock for gets that stock with a ``set``
adjustment (``adjust_unit`` carries ``sale_price`` or NexoPOS fails [V-run]), so
the stock job does not zero the shop's figure.  A missing default fails the item
with its name; nothing is sent.
"""

from __future__ import annotations

from typing import Any

from engine.backends.base import ItemResult
from engine.backends.nexopos.api import NexoApi
from engine.backends.nexopos.pairing import find_by_sku
from engine.backends.nexopos.settings import NexoSettings
from engine.errors import TillsyncError
from engine.model import Product

__all__ = ["create_product"]

_NEEDED = ("default_unit_group_id", "default_unit_id", "default_tax_group_id")


async def create_product(api: NexoApi, product: Product) -> ItemResult:
    """One complete record: linked by SKU, else created (never raises for one product)."""
    ref = product.sku or product.name
    try:
        async with api.write_lock:
            found = await _by_sku(api, product.sku)
            if found is not None:
                return ItemResult(ref, True, str(found), "already in NexoPOS: linked by SKU")
            return await _create(api, product)
    except TillsyncError as error:
        return ItemResult(ref, False, message=error.message)


async def _by_sku(api: NexoApi, sku: str) -> int | None:
    product = await find_by_sku(api, sku)
    return int(product["id"]) if product is not None else None


async def _create(api: NexoApi, product: Product) -> ItemResult:
    settings = api.settings
    missing = [key for key in _NEEDED if getattr(settings, key) is None]
    if missing:
        reason = f"a new product needs {', '.join(missing)} in the NexoPOS settings"
        return ItemResult(product.sku, False, message=reason)
    category, note = await _category(api, product)
    if category is None:
        return ItemResult(product.sku, False, message=note)
    answer = await api.post("products", product_form(product, settings, category))
    created = int(answer["data"]["product"]["id"])
    if product.quantity is not None and product.quantity > 0:
        await _set_stock(api, product, created)
    return ItemResult(product.sku, True, str(created), note)


async def _category(api: NexoApi, product: Product) -> tuple[int | None, str]:
    """(category id, note): the shop's linked category NexoPOS still has, else the default."""
    known = {str(row.get("id")) for row in await api.get("categories") or []}
    for category_id in product.category_ids:
        if category_id in known:
            return int(category_id), ""
    default = api.settings.default_category_id
    if default is None:
        return None, "NexoPOS has none of its categories and default_category_id is not set"
    return default, f"NexoPOS has none of its categories: created in default category {default}"


def product_form(product: Product, settings: NexoSettings, category: int) -> dict[str, Any]:
    """The form NexoPOS's editor sends for a new plain product [V: WithProductTest]."""
    price = product.price.amount if product.price is not None else 0
    tax_type = "inclusive" if settings.price_includes_tax else "exclusive"
    identification = {
        "sku": product.sku, "barcode": product.codes[0] if product.codes else "",
        "category_id": category, "product_type": "product", "type": "materialized",
        "status": "available", "stock_management": "enabled", "searchable": True,
        "description": product.description,
    }  # fmt: skip
    unit = {"unit_id": settings.default_unit_id, f"{settings.price_tier}_price_edit": price}
    variation = {
        "$primary": True,
        "identification": identification,
        "expiracy": {"expires": False, "on_expiration": "prevent_sales"},
        "taxes": {"tax_group_id": settings.default_tax_group_id, "tax_type": tax_type},
        "units": {"unit_group": settings.default_unit_group_id, "selling_group": [unit]},
        "images": [],
        "groups": [],
    }
    return {"name": product.name, "variations": [variation]}


async def _set_stock(api: NexoApi, product: Product, product_id: int) -> None:
    price = product.price.amount if product.price is not None else 0
    item = {
        "id": product_id, "name": product.name, "adjust_action": "set",
        "adjust_unit": {"unit_id": api.settings.default_unit_id, "sale_price": price},
        "adjust_quantity": product.quantity, "adjust_reason": "WooCommerce stock at creation",
    }  # fmt: skip
    await api.post("products/adjustments", {"products": [item]})
