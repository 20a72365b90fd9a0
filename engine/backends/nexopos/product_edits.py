"""Shop edits written back to NexoPOS products (``products.write``).

NexoPOS updates a product only from its whole form - the same
``{name, variations:[{identification, taxes, units:{selling_group}}]}`` its
editor sends [V: ``ProductCrud::getFlatForm``] - and a unit left out of
``selling_group`` would lose its row [I].  So each edit reads the product
and its unit quantities, changes only the fields the shop changed
(``Product.changed``), and sends the whole form back: three requests per
edited product, one product at a time under the write lock.

The shop's price becomes the configured tier's entered price of the
configured unit; every other tier and unit keeps its entered price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.backends.base import ItemResult
from engine.backends.nexopos.api import NexoApi
from engine.backends.nexopos.catalog import pick_unit_row
from engine.backends.nexopos.product_creates import create_product
from engine.errors import TillsyncError
from engine.model import Product

__all__ = ["ProductEdits"]

_TIERS = ("sale_price", "wholesale_price", "custom_price")
_IDENTIFICATION = ("barcode", "barcode_type", "sku", "category_id", "product_type", "type",
                   "status", "stock_management", "description")  # fmt: skip


def _selling_group(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"unit_id": row["unit_id"]} | {f"{t}_edit": row.get(f"{t}_edit") for t in _TIERS}
        for row in rows
    ]


def product_form(
    current: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], edit: Product, tier: str,
    unit_id: int | None,
) -> dict[str, Any]:  # fmt: skip
    """The whole form of ``current`` with the shop's changed fields applied."""
    identification = {k: current.get(k) for k in _IDENTIFICATION}
    if "description" in edit.changed:
        identification["description"] = edit.description
    group = _selling_group(rows)
    chosen = pick_unit_row(rows, unit_id)
    if "price" in edit.changed and edit.price is not None and chosen is not None:
        for item in group:
            if item["unit_id"] == chosen["unit_id"]:
                item[f"{tier}_price_edit"] = edit.price.amount
    variation = {
        "$primary": True,
        "identification": identification,
        "taxes": {"tax_group_id": current.get("tax_group_id"), "tax_type": current.get("tax_type")},
        "units": {"unit_group": current.get("unit_group"), "selling_group": group},
    }
    name = edit.name if "name" in edit.changed else current.get("name")
    return {"name": name, "variations": [variation]}


class ProductEdits:
    def __init__(self, api: NexoApi) -> None:
        self._api = api

    async def write(self, products: Sequence[Product]) -> list[ItemResult]:
        results = []
        for product in products:
            if not product.id and not product.changed:  # a new shop product: a whole record
                results.append(await create_product(self._api, product))
                continue
            try:
                await self._one(product)
            except TillsyncError as error:
                results.append(ItemResult(product.sku or product.id, False, message=error.message))
            else:
                results.append(ItemResult(product.sku or product.id, True, product.id))
        return results

    async def _one(self, product: Product) -> None:
        settings = self._api.settings
        async with self._api.write_lock:
            current = await self._api.get(f"products/{product.id}")
            rows = await self._api.get(f"products/{product.id}/units/quantities")
            form = product_form(current, rows or [], product, settings.price_tier, settings.unit_id)
            await self._api.put(f"products/{product.id}", form)
