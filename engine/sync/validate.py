"""Catalog rows that must not reach WooCommerce, and why.

A bad product is set aside with a reason a shop admin understands, while the
rest of the batch goes on.  Checks are the ones WooCommerce would reject or
that would silently damage the shop (a price rounded by the store, a name
with control characters breaking the theme).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from engine.model import Product

__all__ = ["MAX_NAME_LENGTH", "MAX_SKU_LENGTH", "clean_text", "product_problem"]

MAX_NAME_LENGTH = 200
MAX_SKU_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SKU_BAD = re.compile(r"[\s<>\"']")


def clean_text(text: str) -> str:
    """Normalise to NFC; control characters are a reason to skip, not to strip."""
    return unicodedata.normalize("NFC", text).strip()


def product_problem(product: Product, *, price_decimals: int = 2) -> str | None:
    """Return why ``product`` can't be written to WooCommerce, or ``None``."""
    checks = (
        _sku_problem(product.sku),
        _name_problem(product.name),
        _price_problem(product, price_decimals),
        _weight_problem(product.weight),
    )
    return next((problem for problem in checks if problem), None)


def _sku_problem(sku: str) -> str | None:
    if not sku or not sku.strip():
        return "blank SKU (product number): WooCommerce matches products by SKU"
    if len(sku) > MAX_SKU_LENGTH:
        return f"SKU longer than {MAX_SKU_LENGTH} characters"
    if _SKU_BAD.search(sku) or _CONTROL.search(sku):
        return f"SKU {sku!r} contains spaces, quotes or control characters"
    return None


def _name_problem(name: str) -> str | None:
    if not name or not name.strip():
        return "blank name"
    if _CONTROL.search(name):
        return "name contains control characters"
    if len(name) > MAX_NAME_LENGTH:
        return f"name is {len(name)} characters long (more than {MAX_NAME_LENGTH})"
    return None


def _price_problem(product: Product, decimals: int) -> str | None:
    if product.price is None:
        return None
    amount = product.price.amount
    if not amount.is_finite():
        return "price is not a number"
    if amount < 0:
        return f"negative price {amount}"
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals:
        return f"price {amount} has more than {decimals} decimals; the shop would round it"
    return None


def _weight_problem(weight: Decimal | None) -> str | None:
    if weight is not None and (not weight.is_finite() or weight < 0):
        return f"invalid weight {weight}"
    return None
