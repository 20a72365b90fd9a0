"""Products that only go to the back office: pair them with the shop's by SKU.

WHY: with ``[connections.x.directions] products = "push"`` the shop is where
products are edited, and the catalog job never writes to it; but the push
only writes a shop product whose back-office twin it knows (its link).  So
the catalog job still reads the back office, and links each product not
linked yet to the shop product with the same SKU, remembering what the shop
holds now as agreed by both sides: nothing is written on either side, and
the next edit made in the shop is pushed.
"""

from __future__ import annotations

from engine.model import Product
from engine.store.links import Link
from engine.sync.fieldhash import encode
from engine.sync.jobrun import JobRun
from engine.sync.pipeline import PageResult
from engine.sync.product_writes import PRODUCT
from engine.sync.shop_view import ShopView
from engine.sync.woo_fields import STOCK_FIELD_NAMES

__all__ = ["pair_by_sku"]

_NOT_CATALOG = (*STOCK_FIELD_NAMES, "status")  # the stock job's, and the admin's own


async def pair_by_sku(run: JobRun, view: ShopView, products: list[Product]) -> PageResult:
    """One page of back-office products: the links of those the shop has by SKU."""
    ctx = run.ctx
    known = await ctx.store.links.get_many(
        PRODUCT, [p.id for p in products], connection=ctx.connection
    )
    unlinked = [p for p in products if p.id not in known and p.sku]
    links: list[Link] = []
    index = await view.index() if unlinked else None
    for product in unlinked:
        entry = index.get(product.sku) if index is not None else None
        if entry is None:
            continue  # not in the shop: a pushed product comes from the shop, nothing to pair
        digests = {k: v for k, v in entry.digests.items() if k not in _NOT_CATALOG}
        links.append(Link(PRODUCT, product.id, entry.woo_id, product.sku, encode(digests)))
    run.totals.unchanged += len(products)
    return ([] if run.dry_run else links), True
