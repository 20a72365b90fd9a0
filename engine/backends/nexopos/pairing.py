"""Shop variations paired with plain NexoPOS products by SKU (``variations_by_sku``).

NexoPOS's own variable products are a parent and ``variation`` rows [V], not
a shop's attribute combinations, so a WooCommerce variable product has no
NexoPOS form: the engine sets it aside with :data:`VARIABLE_REFUSED`.  Its
variations are often sold at the till as plain products under the same
SKUs; each is found with :func:`find_by_sku` (one request per unpaired
variation, only when the shop's product changed), and only a plain product
pairs.

:func:`find_by_sku` searches the CRUD list (``crud/ns.products?search=``, a LIKE
over name, SKU and barcode [V: CrudService]) and keeps the exact SKU: an
absent SKU is an empty page (200), where ``GET /api/products/<sku>?as=sku``
answers a 500 "Unable to find the product" [V-run] that the transport retries
as any 500 before the message is read.  A CRUD row's ``product_type`` is taken
as raw; a translated label is tolerated [I].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.backends.nexopos.api import NexoApi

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
    async for rows, _total in api.crud_pages("ns.products", {"search": sku}):
        for row in rows:
            kind = str(row.get("product_type") or "product").lower()
            if row.get("sku") == sku and kind not in ("variable", "variation"):
                return row
    return None
