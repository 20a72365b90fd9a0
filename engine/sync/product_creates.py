"""New shop products for a back office that creates them (``products.create``).

WHY a separate step of the push: a shop product with no link was, until the
back office declares ``products.create``, left alone (the back office's id
rules were unknown).  An adapter that declares it matches the SKU first and
creates only what it does not hold, so a first push never duplicates; the
engine links what comes back, remembering the pushed fields as agreed by both
sides (the pull then reads the new product as our own write).

External products (WooCommerce type ``external``: a link to another shop)
follow the back office's ``external_products_refused``: None pushes them as
plain products, a reason sets each aside with it, "" leaves them alone.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from engine.backends.base import Capability
from engine.model import Product
from engine.store.links import Link
from engine.sync.diff import DiffEntry, FieldChange
from engine.sync.product_writes import PRODUCT
from engine.sync.woo_index import woo_view

if TYPE_CHECKING:
    from engine.sync.product_push import ProductPush

__all__ = ["PUSHED", "new_product_plan", "shop_kind"]

PUSHED = "product in the back office"  # the diff's entity for a pushed product
CATEGORY_LINK = "category"  # engine.sync.categories' link: back-office <-> shop category


async def shop_kind(push: ProductPush, data: dict[str, Any]) -> str:
    """The product's type as the push treats it; an external product refused by the back
    office is set aside with its reason and comes back as ``"external"`` (not pushed)."""
    kind = str(data.get("type") or "simple")
    if kind != "external":
        return kind
    refused = push.ctx.backend.external_products_refused
    if refused is None:
        return "simple"
    if refused:
        key = str(data.get("sku") or f"#{data['id']}")
        await push.run.skip(PRODUCT, key, refused)
    return kind


async def new_product_plan(
    push: ProductPush, data: dict[str, Any], product_from_woo: Any
) -> tuple[Product, Link, dict[str, Any]] | None:
    """A create for an unlinked shop product, or None when the back office creates none.

    The link it returns has no back-office id yet: the write's result brings it.
    """
    if Capability.PRODUCTS_CREATE not in push.ctx.backend.capabilities:
        return None
    view = woo_view(data, push.ctx.prefs.price_decimals)
    wrote = {name: view[name] for name in push.names() if name in view}
    product = product_from_woo(data, "", await push.currency(), frozenset())
    product = replace(
        product, category_ids=await _category_ids(push, data), quantity=_quantity(data)
    )
    woo_id = int(data["id"])
    changes = tuple(FieldChange(k, v) for k, v in wrote.items())
    push.diff.add(DiffEntry("create", PUSHED, product.sku, product.name, woo_id, changes))
    return product, Link(PRODUCT, "", woo_id, product.sku, None), wrote


async def _category_ids(push: ProductPush, data: dict[str, Any]) -> tuple[str, ...]:
    """The back-office ids of the shop product's categories that are linked (the
    adapter decides what a product whose categories it lacks gets)."""
    found = []
    for category in data.get("categories") or []:
        link = await push.ctx.store.links.get_by_woo_id(
            CATEGORY_LINK, int(category["id"]), connection=push.ctx.connection
        )
        if link is not None:
            found.append(link.backoffice_id)
    return tuple(found)


def _quantity(data: dict[str, Any]) -> Decimal | None:
    if not data.get("manage_stock") or data.get("stock_quantity") in (None, ""):
        return None
    try:
        return Decimal(str(data["stock_quantity"]))
    except InvalidOperation:
        return None
