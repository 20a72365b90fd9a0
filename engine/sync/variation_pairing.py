"""A shop variable product the back office cannot hold: set aside, its variations paired.

WHY: some back offices have nothing a WooCommerce variable product could
become (their "variations" are not the shop's attribute combinations), yet
the shop sells each variation under a SKU that the back office keeps as a
plain product.  The push sets such a product aside with the back office's
own reason (``Backend.variable_products_refused``), so it shows in the
set-aside list instead of vanishing, and pairs each of its variations with
the back-office product holding the same SKU (``Backend.product_ids_by_sku``;
an adapter may leave that off by configuration).  The pairing is a
``variation`` link: the stock job then writes that product's stock to the
variation, and an order line of the variation books that product.  Nothing
is written on either side here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.model import Product
from engine.store.links import Link
from engine.sync.fieldhash import encode
from engine.sync.jobrun import JobRun
from engine.sync.product_writes import PRODUCT
from engine.sync.variations import PARENT, VARIATION

__all__ = ["set_aside_variable", "without_paired"]


async def set_aside_variable(run: JobRun, data: Mapping[str, Any]) -> None:
    """One unlinked shop variable product, seen by the push (see the module docstring)."""
    reason = run.ctx.backend.variable_products_refused
    if not reason:
        return  # a back office that takes no pushed products at all: nothing to say
    await run.skip(PRODUCT, str(data.get("sku") or f"#{data['id']}"), reason)
    if run.dry_run:
        return
    links = await _variation_links(run, int(data["id"]))
    await run.ctx.store.links.upsert_many(links, connection=run.ctx.connection)


async def _variation_links(run: JobRun, parent_id: int) -> list[Link]:
    """Links for the parent's variations not paired yet whose SKU the back office holds."""
    ctx = run.ctx
    unpaired: dict[str, int] = {}
    async for variation in ctx.woo.iter_variations(parent_id):
        sku, woo_id = str(variation.get("sku") or ""), int(variation["id"])
        known = await ctx.store.links.get_by_woo_id(VARIATION, woo_id, connection=ctx.connection)
        if sku and known is None:
            unpaired[sku] = woo_id
    if not unpaired:
        return []
    found = await ctx.backend.product_ids_by_sku(list(unpaired))
    hashes = encode({PARENT: str(parent_id)})
    return [
        Link(VARIATION, backoffice_id, unpaired[sku], sku, hashes)
        for sku, backoffice_id in found.items()
        if sku in unpaired
    ]


async def without_paired(run: JobRun, products: list[Product]) -> list[Product]:
    """The page without back-office products paired with a shop variation: the shop
    holds them as variations (their stock goes there), never as products of their own."""
    paired = await run.ctx.store.links.get_many(
        VARIATION, [p.id for p in products], connection=run.ctx.connection
    )
    if not paired:
        return products
    run.totals.unchanged += len(paired)
    return [p for p in products if p.id not in paired]
