"""Variable products: a back-office product with variants, and its variations.

A :class:`~engine.model.Product` with ``variants`` becomes a WooCommerce
``variable`` product whose ``attributes`` list every option its variants
use (``variation: true``); each :class:`~engine.model.Variant` becomes one
variation, written through ``products/<id>/variations/batch``.  The parent
carries no price and no stock: WooCommerce prices and counts variations.

Each variation has its own link (kind ``variation``: the variant's id ↔ the
variation's id) whose hash remembers its fields, like a product's, plus the
parent's WooCommerce id under ``@parent`` (a variation is only reachable
under its parent).  Its stock link (kind ``stock``) works like a product's,
so the stock job writes a variant's quantity to its variation, and an order
line's ``variation_id`` resolves to the variant through the link.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from engine.model import Product, Variant
from engine.store.links import Link
from engine.sync.field_choice import chosen_fields
from engine.sync.fieldhash import changed_fields, decode, encode, fingerprint
from engine.sync.woo_fields import CatalogPreferences, stock_fields

__all__ = [
    "PARENT",
    "VARIATION",
    "parent_of",
    "variable_fields",
    "variation_fields",
    "variation_link",
    "variation_plan",
]

VARIATION = "variation"
PARENT = "@parent"  # in a variation link's hash: the parent product's WooCommerce id
_VARIATION_STOCK = ("manage_stock", "stock_quantity")  # variations have no catalog visibility


def variable_fields(product: Product) -> dict[str, Any]:
    """The parent's type and attributes: every option its variants use, in their order."""
    options: dict[str, list[str]] = {}
    for variant in product.variants:
        for name, value in variant.attributes:
            values = options.setdefault(name, [])
            if value not in values:
                values.append(value)
    attributes = [
        {"name": name, "options": values, "variation": True, "visible": True}
        for name, values in options.items()
    ]
    return {"type": "variable", "attributes": attributes}


def variation_fields(
    variant: Variant, product: Product, prefs: CatalogPreferences
) -> dict[str, Any]:
    """One variant as its variation: its own price and weight, else the product's."""
    price = variant.price or product.price
    weight = variant.weight if variant.weight is not None else product.weight
    fields: dict[str, Any] = {
        "sku": variant.sku,
        "attributes": [{"name": name, "option": value} for name, value in variant.attributes],
        "status": "publish" if variant.active else "private",
    }
    if price is not None:
        fields["regular_price"] = str(
            price.amount.quantize(Decimal(1).scaleb(-prefs.price_decimals))
        )
    if weight is not None:
        fields["weight"] = format(weight.normalize(), "f")
    return fields


def variation_stock(quantity: Decimal, prefs: CatalogPreferences) -> dict[str, Any]:
    """The stock fields a variation takes (a fractional figure: none, see stock_fields)."""
    built = stock_fields(quantity, prefs)
    return {k: v for k, v in built.fields.items() if k in _VARIATION_STOCK}


def parent_of(link: Link) -> int | None:
    """The parent product's WooCommerce id a variation link remembers."""
    value = decode(link.hash).get(PARENT)
    return int(value) if value else None


def variation_link(variant: Variant, variation_id: int, parent_id: int, fields: dict) -> Link:
    hashes = {**fingerprint(fields), PARENT: str(parent_id)}
    return Link(VARIATION, variant.id, variation_id, variant.sku, encode(hashes))


def variation_plan(
    product: Product, prefs: CatalogPreferences, known: dict[str, Link]
) -> Iterable[tuple[Variant, dict[str, Any], dict[str, Any], Link | None]]:
    """(variant, its fields, what to send, its link) for each variant that needs a write."""
    for variant in product.variants:
        link = known.get(variant.id)
        groups = prefs.create_fields if link is None else prefs.update_fields
        fields = chosen_fields(variation_fields(variant, product, prefs), groups)
        send = changed_fields(decode(link.hash) if link else {}, fields)
        if send:
            yield variant, fields, send, link
