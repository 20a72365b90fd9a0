"""The cheap full read behind the catalog and stock jobs (NexoPOS has no change feed).

Per run: every unit quantity (``crud/ns.products-units``, paged) first, then the
products page by page (``crud/ns.products``).  A *variable* product's
variations are read once per run with ``GET /api/products/all/variations``
[V: route] - only when a page holds a variable product - and become its
variants; variation rows the CRUD list may also hold are skipped there
[I: whether ``ns.products`` lists variations], so nothing is read twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from engine.backends.base import Page
from engine.backends.nexopos import catalog
from engine.backends.nexopos.api import NexoApi
from engine.model import Product, StockLevel

__all__ = ["FullRead"]

Rows = list[dict[str, Any]]


class FullRead:
    """One pass over the store; a new instance per job run."""

    def __init__(self, api: NexoApi) -> None:
        self._api = api
        self._units: dict[int, Rows] = {}
        self._variations: dict[int, Rows] | None = None

    async def _load_units(self) -> None:
        units: dict[int, Rows] = defaultdict(list)
        async for page, _total in self._api.crud_pages("ns.products-units"):
            for row in page:
                units[int(row["product_id"])].append(row)
        self._units = units

    def unit_of(self, product_id: Any) -> dict[str, Any] | None:
        rows = self._units.get(int(product_id), [])
        return catalog.pick_unit_row(rows, self._api.settings.unit_id)  # type: ignore[return-value]

    async def variations_of(self, parent_id: Any) -> Rows:
        if self._variations is None:
            grouped: dict[int, Rows] = defaultdict(list)
            for row in await self._api.get("products/all/variations") or []:
                grouped[int(row.get("parent_id") or 0)].append(row)
            self._variations = grouped
        return self._variations.get(int(parent_id), [])

    async def pages(self) -> AsyncIterator[tuple[Rows, int]]:
        """Product rows (simple and variable), page by page, units loaded first."""
        await self._load_units()
        async for page, total in self._api.crud_pages("ns.products"):
            yield [r for r in page if catalog.kind_of(r) != "variation"], total

    async def product_pages(self) -> AsyncIterator[Page[Product]]:
        s = self._api.settings
        shape = {"tier": s.price_tier, "gross": s.price_includes_tax, "currency": s.currency}
        async for rows, total in self.pages():
            items = []
            for row in rows:
                variants: tuple = ()
                if catalog.kind_of(row) == "variable":
                    children = await self.variations_of(row["id"])
                    variants = tuple(
                        catalog.variant_from_wire(v, self.unit_of(v["id"]), **shape)
                        for v in children
                    )
                items.append(
                    catalog.product_from_wire(row, self.unit_of(row["id"]), variants, **shape)
                )
            yield Page(tuple(items), None, total)

    async def stock_pages(self) -> AsyncIterator[Page[StockLevel]]:
        async for rows, total in self.pages():
            levels = []
            for row in rows:
                if catalog.kind_of(row) == "variable":
                    sellers = await self.variations_of(row["id"])
                else:
                    sellers = [row]
                for seller in sellers:
                    unit = self.unit_of(seller["id"])
                    if unit is not None and catalog.product_sku(seller):
                        levels.append(catalog.stock_level_from_wire(seller, unit))
            yield Page(tuple(levels), None, total)
