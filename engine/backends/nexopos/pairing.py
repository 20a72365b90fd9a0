"""Shop variations paired with plain NexoPOS products by SKU (``variations_by_sku``).

NexoPOS's own variable products are a parent and ``variation`` rows [V], not
a shop's attribute combinations, so a WooCommerce variable product has no
NexoPOS form: the engine sets it aside with :data:`VARIABLE_REFUSED`.  Its
variations are often sold at the till as plain products under the same
SKUs; each is found with ``GET /api/products/<sku>?as=sku`` [V-run] (one
request per unpaired variation, only when the shop's product changed), and
only a plain product (``product_type`` "product") pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.backends.nexopos.api import NexoApi
from engine.errors import NotFoundError, ValidationError

__all__ = ["VARIABLE_REFUSED", "product_ids_by_sku"]

VARIABLE_REFUSED = "variable products can't be represented in NexoPOS"


async def product_ids_by_sku(api: NexoApi, skus: Sequence[str]) -> dict[str, str]:
    """SKU -> NexoPOS product id, for the SKUs NexoPOS holds as plain products."""
    if not api.settings.variations_by_sku:
        return {}
    found: dict[str, str] = {}
    for sku in skus:
        try:
            product = await api.get(f"products/{sku}", {"as": "sku"})
        except (NotFoundError, ValidationError):  # "Unable to find the product …" is a 500
            continue
        if isinstance(product, dict) and product.get("product_type", "product") == "product":
            found[sku] = str(product["id"])
    return found
