"""New shop products created in Sitoo (``products.create``), matched by SKU first.

A shop product tillsync has not linked may already be in Sitoo (the shop and
the POS were filled apart): its SKU is looked up first and such a product is
updated with the shop's fields, never created again.  The others go in one
``POST products.json`` batch [V] (``sku`` required, the answer's ``return``
the new ``productid``) with the shop's categories Sitoo has (linked ones);
each gets its price in the chosen price list too,
since the shop shows that list's price.  Sitoo's SKU pattern is checked
before anything is sent (:func:`.writes.sku_problem`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from engine.backends.records import ItemResult
from engine.backends.sitoo.api import SitooApi
from engine.model import Product

__all__ = ["create_body", "split_known"]


def create_body(product: Product) -> dict[str, Any]:
    """A new product's fields; the price as the Default list's ``moneyprice`` [V]."""
    body: dict[str, Any] = {
        "sku": product.sku,
        "title": product.name,
        "description": product.description,
        "descriptionshort": product.short_description,
        "active": product.active,
    }
    if product.price is not None:
        body["moneyprice"] = f"{product.price.amount:.2f}"
    if product.category_ids:  # the shop's categories Sitoo knows (linked ones)
        body["categories"] = [str(c) for c in product.category_ids]  # strings [V]
        body["defaultcategoryid"] = int(product.category_ids[0])
    return body


def split_known(
    products: Sequence[Product], rows: dict[str, dict[str, Any]]
) -> tuple[list[Product], list[Product]]:
    """(products Sitoo holds under their SKU, now carrying it as their id; products to
    create).  The SKU is the adapter's product id, as the catalog reads it."""
    known = [replace(p, id=p.sku) for p in products if p.sku in rows]
    return known, [p for p in products if p.sku not in rows]


async def post_new(api: SitooApi, products: Sequence[Product]) -> dict[str, ItemResult]:
    """Create ``products`` in one batch; results by SKU (the adapter's product id)."""
    if not products:
        return {}
    answers = await api.batch("POST", api.site("products"), [create_body(p) for p in products])
    results = {
        p.sku: ItemResult(p.sku, a.ok, p.sku if a.ok else None, "" if a.ok else a.message)
        for p, a in zip(products, answers, strict=True)
    }
    prices = [
        {"productid": int(a.value), "sku": p.sku, "moneyprice": f"{p.price.amount:.2f}"}
        for p, a in zip(products, answers, strict=True)
        if p.price is not None and a.ok
    ]
    if prices and api.settings.pricelist_id:
        path = api.site("pricelists", api.settings.pricelist_id, "pricelistitems")
        await api.write("PUT", path, prices)
    return results
