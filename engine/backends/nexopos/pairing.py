"""Shop variations paired with plain NexoPOS products by SKU (``variations_by_sku``).

NexoPOS's own variable products are a parent and ``variation`` rows [V], not
a shop's attribute combinations, so a WooCommerce variable product has no
NexoPOS form: the engine sets it aside with :data:`VARIABLE_REFUSED`.  Its
variations are often sold at the till as plain products under the same
SKUs; each is found with :func:`find_by_sku` (one request per unpaired
variation, only when the shop's product changed), and only a plain product
pairs.

:func:`find_by_sku` asks ``GET /api/products/<sku>?as=sku`` [V-run]: the one
look-up known to match the SKU exactly (whether the CRUD list's ``search``
covers the SKU column is not verified, and a miss there would create a
product twice).  An absent SKU is a 500 "Unable to find the product" [V-run],
read by its message before any retry (``errors.verdict_of``): one request,
answered "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.backends.nexopos.api import NexoApi
from engine.errors import NotFoundError

__all__ = ["VARIABLE_REFUSED", "find_by_sku", "product_ids_by_sku"]

VARIABLE_REFUSED = "variable products can't be represented in NexoPOS"


async def product_ids_by_sku(api: NexoApi, skus: Sequence[str]) -> dict[str, str]:
    """SKU -> NexoPOS product id, for the SKUs NexoPOS holds as plain products."""
    if not api.settings.variations_by_sku:
        return {}
    found: dict[str, str] = {}
    for sku in skus:
        product = await find_by_sku(api, sku)
        if product is not None:
            found[sku] = str(product["id"])
    return found


async def find_by_sku(api: NexoApi, sku: str) -> dict[str, Any] | None:
    """The plain (not variable, not variation) NexoPOS product with exactly this SKU."""
    if not sku:
        return None
    try:
        row = await api.get(f"products/{sku}", {"as": "sku"})
    except NotFoundError:  # "Unable to find the product …"
        return None
    if not isinstance(row, dict) or row.get("sku") != sku:
        return None
    kind = str(row.get("product_type") or "product").lower()
    return row if kind not in ("variable", "variation") else None
