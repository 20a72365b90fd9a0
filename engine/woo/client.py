"""WooClient: the whole WooCommerce REST v3 surface tillsync uses.

Usage::

    async with WooClient("https://shop.example", ck, cs) as woo:
        async for page in woo.iter_pages("products", {"status": "publish"}):
            ...
        result = await woo.batch("products", create=[...], update=[...])
        for failed in result.failed:
            ...
"""

from __future__ import annotations

from engine.woo.catalog import CatalogEndpoints
from engine.woo.orders import OrderEndpoints
from engine.woo.store import StoreEndpoints

__all__ = ["WooClient"]


class WooClient(CatalogEndpoints, OrderEndpoints, StoreEndpoints):
    """One store's REST API: auth from the URL scheme, pages, batches, resources."""

    async def __aenter__(self) -> WooClient:
        return self

    def __repr__(self) -> str:
        return f"WooClient({self.remote.redactor.url(self.remote.base_url)!r})"
