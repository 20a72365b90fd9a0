"""Which catalog fields the catalog job writes: on create, on update, and the descriptions.

The admin picks, separately for a new product and for one already in the shop,
which groups of fields tillsync writes (``[connections.<name>.sync]``
``create_fields`` / ``update_fields``).  A group left out of ``update_fields``
is neither sent nor remembered, so an edit made in the shop is never overwritten;
put back later, it is compared and written again.  ``sku``, ``tax_class``,
``status`` and a variable product's ``type``/``attributes`` always go: without
them the product is not the back office's product.  ``description_mode`` says
which of WooCommerce's two descriptions the back office's text fills.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

from engine.model import Product

__all__ = [
    "DESCRIPTION_MODES",
    "FIELD_GROUPS",
    "DescriptionMode",
    "chosen_fields",
    "description_fields",
    "description_names",
]

DescriptionMode = Literal["both", "full", "short", "none"]
DESCRIPTION_MODES: tuple[str, ...] = ("both", "full", "short", "none")

#: group name (what the admin writes) -> the WooCommerce product fields it covers
FIELD_GROUPS: Mapping[str, tuple[str, ...]] = {
    "name": ("name",),
    "price": ("regular_price",),
    "category": ("categories",),
    "quantity": ("manage_stock", "stock_quantity", "catalog_visibility"),
    "weight": ("weight",),
    "images": ("images",),
    "description": ("description", "short_description"),
}


def chosen_fields(fields: Mapping[str, Any], groups: Collection[str]) -> dict[str, Any]:
    """``fields`` without those of the groups not chosen (fields of no group always stay)."""
    left_out = {name for g, names in FIELD_GROUPS.items() if g not in groups for name in names}
    return {k: v for k, v in fields.items() if k not in left_out}


def description_names(mode: str) -> tuple[str, ...]:
    """The WooCommerce description fields ``mode`` fills (the ones the sync manages)."""
    return {"full": ("description",), "short": ("short_description",), "none": ()}.get(
        mode, ("description", "short_description")
    )


def description_fields(product: Product, mode: str) -> dict[str, str]:
    """``both``: each text to its field (as the back office has them); ``full``: only the
    long description; ``short``: only the short one (the long text when the back office
    has a single text, as most do); ``none``: neither, the shop's own texts stay."""
    if mode == "full":
        return {"description": product.description}
    if mode == "short":
        return {"short_description": product.short_description or product.description}
    if mode == "none":
        return {}
    return {"description": product.description, "short_description": product.short_description}
