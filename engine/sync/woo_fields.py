"""What a back-office product should look like in WooCommerce.

Pure translation from canonical records to WooCommerce REST fields, split in
two groups because two jobs own them: the catalog job writes *catalog*
fields, the stock job writes *stock* fields (quantity and, when the admin
asked for it, visibility of out-of-stock products).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from engine.model import Product
from engine.sync.field_choice import FIELD_GROUPS, description_fields
from engine.sync.shop_values import shop_name, tax_class_slug
from engine.sync.validate import clean_text

__all__ = [
    "STOCK_FIELD_NAMES",
    "CatalogPreferences",
    "FieldsOrProblem",
    "catalog_fields",
    "gtin_of",
    "stock_fields",
]

Fields = dict[str, Any]
_GTIN = re.compile(r"[0-9]{8}|[0-9]{12,14}|[0-9]{9}[0-9Xx]")
STOCK_FIELD_NAMES = ("manage_stock", "stock_quantity", "catalog_visibility")  # the stock job's


@dataclass(frozen=True)
class CatalogPreferences:
    """The admin's catalog choices (the seeds' settings)."""

    new_products_status: Literal["draft", "publish"] = "draft"
    sync_categories: bool = True
    hide_out_of_stock: bool = True
    price_decimals: int = 2
    sync_descriptions: bool = True
    sync_images: bool = True
    sync_gtin: bool = True  # the first barcode -> global_unique_id (WooCommerce 9.2+)
    deactivated_to_draft: bool = True
    description_mode: str = "both"  # both, full, short or none (engine.sync.field_choice)
    # the field groups written when a product is created, and when it is updated
    create_fields: frozenset[str] = frozenset(FIELD_GROUPS)
    update_fields: frozenset[str] = frozenset(FIELD_GROUPS)
    # back-office tax code id -> WooCommerce tax class slug ("" = standard);
    # "*" is the default for tax codes without their own entry
    tax_classes: Mapping[str, str] = field(default_factory=dict)
    # the global attribute the brand (else the manufacturer) goes to ("": none), and
    # its WooCommerce id, found or created once per run (engine.sync.brand_attribute)
    brand_attribute: str = ""
    brand_attribute_id: int | None = None


@dataclass(frozen=True)
class FieldsOrProblem:
    fields: Fields
    problem: str | None = None


def _tax_code(product: Product) -> str:
    """'tax code 'Reduced 10 %' (4d06…)': the name an admin recognises, and the id it maps."""
    if product.tax_code_name:
        return f"tax code {product.tax_code_name!r} ({product.tax_code_id})"
    return f"tax code {product.tax_code_id!r}"


def catalog_fields(
    product: Product, prefs: CatalogPreferences, category_ids: Mapping[str, int]
) -> FieldsOrProblem:
    """Catalog fields for ``product``; ``category_ids`` maps back-office → Woo category ids."""
    tax_class = _tax_class(product, prefs)
    if tax_class is None:
        return FieldsOrProblem({}, f"{_tax_code(product)} has no WooCommerce tax class")
    fields: Fields = {
        "name": shop_name(clean_text(product.name)),
        "sku": product.sku,
        "tax_class": tax_class_slug(tax_class),
    }
    if product.variants:  # priced and counted per variation (engine.sync.variations)
        fields.update(_variable(product))
    elif product.price is not None:
        fields["regular_price"] = _price(product.price.amount, prefs.price_decimals)
    brand = _brand(product, prefs)
    if brand is not None:
        fields["attributes"] = [*fields.get("attributes", ()), brand]
    if prefs.sync_descriptions:
        fields.update(description_fields(product, prefs.description_mode))
    if product.weight is not None:
        fields["weight"] = _plain(product.weight)
    gtin = gtin_of(product.codes) if prefs.sync_gtin else None
    if gtin:
        fields["global_unique_id"] = gtin
    if prefs.sync_images and product.image_urls:
        fields["images"] = [{"src": url} for url in product.image_urls]
    if prefs.sync_categories:
        linked = [category_ids[c] for c in product.category_ids if c in category_ids]
        fields["categories"] = [{"id": woo_id} for woo_id in sorted(linked)]
    if not product.active and prefs.deactivated_to_draft:
        fields["status"] = "draft"
    return FieldsOrProblem(fields)


def gtin_of(codes: tuple[str, ...]) -> str | None:
    """The first barcode shaped like a GTIN, as WooCommerce would store it.

    EAN-8, UPC-A, EAN-13 (ISBN-13) and GTIN-14 are 8, 12, 13 or 14 digits, an
    ISBN-10 may end in X.  A POS also keeps short PLUs and in-house codes
    among its barcodes: those are no GTIN and are not sent.  Spaces are
    dropped and "-" kept, as WooCommerce stores it, so the value compares
    equal with what the shop echoes back.
    """
    for code in codes:
        value = "".join(code.split())  # a printed "4 006381 333931" is one code
        if _GTIN.fullmatch(value.replace("-", "")):
            return value
    return None


def _variable(product: Product) -> Fields:
    from engine.sync.variations import variable_fields  # it builds on this module

    return variable_fields(product)


def _brand(product: Product, prefs: CatalogPreferences) -> Fields | None:
    """The brand as the one option of the shop's global brand attribute (a term)."""
    name = clean_text(product.brand or product.manufacturer)
    if not name or prefs.brand_attribute_id is None:
        return None
    return {"id": prefs.brand_attribute_id, "options": [name], "visible": True, "variation": False}


def _tax_class(product: Product, prefs: CatalogPreferences) -> str | None:
    if product.tax_code_id is None:
        return prefs.tax_classes.get("*", "")
    if product.tax_code_id in prefs.tax_classes:
        return prefs.tax_classes[product.tax_code_id]
    return prefs.tax_classes.get("*")


def stock_fields(quantity: Decimal, prefs: CatalogPreferences) -> FieldsOrProblem:
    """Stock fields for an on-hand ``quantity`` already net of in-flight orders.

    WooCommerce stores whole units; a fractional figure is something we
    can't verify, so it is not written.  A negative one is written as it is:
    WooCommerce holds negative stock itself (sold on backorder) and shows it
    as out of stock.  Clamping it to 0 made the remembered hash say "0" while
    the shop's own sales had taken it to −4, and nothing was ever rewritten.
    """
    if not quantity.is_finite() or quantity != quantity.to_integral_value():
        return FieldsOrProblem({}, f"stock {quantity} is not a whole number of units")
    units = int(quantity)
    fields: Fields = {"manage_stock": True, "stock_quantity": units}
    if prefs.hide_out_of_stock:
        fields["catalog_visibility"] = "visible" if units > 0 else "hidden"
    return FieldsOrProblem(fields)


def _price(amount: Decimal, decimals: int) -> str:
    return str(amount.quantize(Decimal(1).scaleb(-decimals)))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
