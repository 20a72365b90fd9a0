"""Products, variations and categories."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from engine.woo.batch import BatchResult
from engine.woo.core import WooCore

__all__ = ["CatalogEndpoints"]

# Stable order for offset pagination over a set that may change while we read.
BY_ID = {"orderby": "id", "order": "asc"}


class CatalogEndpoints(WooCore):
    """Catalog resources; raw REST dicts in and out (prices stay strings)."""

    def iter_products(
        self,
        *,
        modified_after: datetime | str | None = None,
        sku: str | None = None,
        status: str = "any",
        **filters: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Stream products, optionally changed since ``modified_after`` (compared in GMT)."""
        params = {**BY_ID, "status": status, "sku": sku, **filters}
        if modified_after is not None:
            params.update(modified_after=modified_after, dates_are_gmt=True)
        return self.iter_items("products", params)

    async def get_product(self, product_id: int) -> dict[str, Any]:
        return await self.get(f"products/{int(product_id)}")

    async def find_product_by_sku(self, sku: str) -> dict[str, Any] | None:
        """The product with exactly this SKU, if any.

        The ``sku`` filter is a list filter (commas separate SKUs), so the
        answer is checked for an exact match rather than trusted.
        """
        if not sku:
            return None
        found = await self.get("products", {"sku": sku, "status": "any", "per_page": 10})
        for product in found or []:
            if product.get("sku") == sku:
                return product
        return None

    async def find_product_ids_by_sku(
        self, skus: Sequence[str], *, status: str = "any"
    ) -> dict[str, int]:
        """SKU -> product id for those of ``skus`` the shop holds (one request per 50).

        ``status="trash"`` finds trashed products, which ``any`` leaves out.
        """
        found: dict[str, int] = {}
        wanted = list(dict.fromkeys(s for s in skus if s and "," not in s))
        for start in range(0, len(wanted), 50):
            chunk = wanted[start : start + 50]
            params = {"sku": ",".join(chunk), "status": status, "per_page": 100}
            for product in await self.get("products", {**params, "_fields": "id,sku"}) or []:
                if product.get("sku") in chunk:
                    found[product["sku"]] = int(product["id"])
        return found

    async def create_product(self, product: Mapping[str, Any]) -> dict[str, Any]:
        return await self.post("products", product)

    async def update_product(self, product_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"products/{int(product_id)}", fields)

    async def delete_product(self, product_id: int, *, force: bool = False) -> dict[str, Any]:
        """Trash the product (``force=True`` deletes it for good)."""
        return await self.delete(f"products/{int(product_id)}", force=force)

    async def batch_products(
        self,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
        concurrency: int = 1,
    ) -> BatchResult:
        return await self.batch(
            "products", create=create, update=update, delete=delete, concurrency=concurrency
        )

    def iter_variations(self, product_id: int, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        return self.iter_items(f"products/{int(product_id)}/variations", {**BY_ID, **filters})

    async def get_variation(self, product_id: int, variation_id: int) -> dict[str, Any]:
        return await self.get(f"products/{int(product_id)}/variations/{int(variation_id)}")

    async def create_variation(
        self, product_id: int, variation: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self.post(f"products/{int(product_id)}/variations", variation)

    async def update_variation(
        self, product_id: int, variation_id: int, fields: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self.put(f"products/{int(product_id)}/variations/{int(variation_id)}", fields)

    async def batch_variations(
        self,
        product_id: int,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
    ) -> BatchResult:
        path = f"products/{int(product_id)}/variations"
        return await self.batch(path, create=create, update=update, delete=delete)

    def iter_categories(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        """All categories (terms have no modified date: always a full read)."""
        return self.iter_items("products/categories", {**BY_ID, **filters})

    async def create_category(self, category: Mapping[str, Any]) -> dict[str, Any]:
        return await self.post("products/categories", category)

    async def update_category(self, category_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return await self.put(f"products/categories/{int(category_id)}", fields)

    async def delete_category(self, category_id: int) -> dict[str, Any]:
        """Terms have no trash: deleting is always forced."""
        return await self.delete(f"products/categories/{int(category_id)}", force=True)

    async def batch_categories(
        self,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[int] = (),
    ) -> BatchResult:
        return await self.batch("products/categories", create=create, update=update, delete=delete)
