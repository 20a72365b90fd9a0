"""Decide, for one back-office product, what WooCommerce needs: pure logic.

The decision uses what the store remembers (the link and its per-field
hashes) and, when the run built it, what WooCommerce really holds (the SKU
index): a product without a link is matched by SKU before anything is
created, and a full run compares with the shop's real values so drift made
by hand in wp-admin is repaired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from engine.model import Product
from engine.store.links import Link
from engine.sync.field_choice import chosen_fields
from engine.sync.fieldhash import FieldHashes, changed_fields, decode, fingerprint
from engine.sync.validate import product_problem
from engine.sync.woo_fields import (
    STOCK_FIELD_NAMES,
    CatalogPreferences,
    catalog_fields,
    stock_fields,
)
from engine.sync.woo_index import WooEntry

__all__ = ["ProductDecision", "decide"]

# "link": already in the shop exactly as it should be; remember it, write nothing
Verb = Literal["create", "update", "link", "unchanged", "skip", "ignore"]


@dataclass(frozen=True)
class ProductDecision:
    verb: Verb
    product: Product
    # the managed catalog fields whose hashes the link remembers; "status" only
    # while we hold the product in draft for being deactivated, so an admin
    # publishing or hiding a product by hand is never overruled
    fields: dict[str, Any] = field(default_factory=dict)
    send: dict[str, Any] = field(default_factory=dict)  # what goes over the wire
    stock: dict[str, Any] = field(default_factory=dict)  # stock fields sent with a create
    woo_id: int | None = None
    previous: FieldHashes = field(default_factory=dict)
    reason: str = ""
    hashes: dict[str, str] | None = None  # digests to remember instead of fingerprint(fields)
    # re-matched by SKU: digests of the stock the shop already holds, remembered
    # as if the stock job had written them (so it doesn't rewrite the same number)
    shop_stock: dict[str, str] = field(default_factory=dict)

    def remembered(self) -> dict[str, str]:
        return self.hashes if self.hashes is not None else fingerprint(self.fields)


def decide(
    product: Product,
    prefs: CatalogPreferences,
    category_ids: Mapping[str, int],
    link: Link | None,
    woo: WooEntry | None,
    *,
    quantity: Decimal | None = None,
) -> ProductDecision:
    """``woo`` is the SKU-index entry (None when no index was built or no match)."""
    if product.problem:
        return ProductDecision("skip", product, reason=product.problem)
    if not product.active:
        return _deactivated(product, prefs, link)
    problem = product_problem(product, price_decimals=prefs.price_decimals)
    built = catalog_fields(product, prefs, category_ids)
    if problem or built.problem:
        return ProductDecision("skip", product, reason=problem or built.problem or "")
    if link is None and woo is None:
        return _create(product, prefs, chosen_fields(built.fields, prefs.create_fields), quantity)
    fields = chosen_fields(built.fields, prefs.update_fields)  # the others: the shop's own
    woo_id = woo.woo_id if link is None else link.woo_id
    remembered = decode(link.hash) if link is not None else {}
    previous = remembered
    if woo is not None and woo.woo_id == woo_id:
        previous = {**remembered, **woo.digests}  # what the shop really holds wins
        if "images" not in remembered and woo.has_images and "images" in fields:
            # the shop's image URLs can't be compared with ours: keep its images
            previous["images"] = fingerprint({"images": fields["images"]})["images"]
    send = changed_fields(previous, fields)
    if "status" in remembered and "status" not in fields:
        send["status"] = prefs.new_products_status  # reactivated: undo our draft
    verb: Verb = "update" if send else ("link" if link is None else "unchanged")
    shop_stock = _stock_digests(woo) if link is None and woo is not None else {}
    return ProductDecision(
        verb, product, fields, send, woo_id=woo_id, previous=previous, shop_stock=shop_stock
    )


def _stock_digests(woo: WooEntry) -> dict[str, str]:
    digests = woo.digests
    return {name: digests[name] for name in STOCK_FIELD_NAMES if name in digests}


def _deactivated(product: Product, prefs: CatalogPreferences, link: Link | None) -> ProductDecision:
    """Deactivated or deleted in the back office (some then drop the number).

    Never created, never deleted in the shop; a linked one becomes a draft.
    """
    if link is None or not prefs.deactivated_to_draft:
        return ProductDecision("ignore", product, reason="deactivated in the back office")
    product = replace(product, sku=product.sku or link.sku or "")  # a deleted one lost its number
    remembered = decode(link.hash)
    drafted = fingerprint({"status": "draft"})
    fields = {**remembered, **drafted}  # keep the other hashes as they are
    if remembered.get("status") == drafted["status"]:
        return ProductDecision("unchanged", product, woo_id=link.woo_id)
    return ProductDecision(
        "update", product, {}, {"status": "draft"}, woo_id=link.woo_id, previous=remembered,
        hashes=fields,
    )  # fmt: skip


def _create(
    product: Product, prefs: CatalogPreferences, fields: dict[str, Any], quantity: Decimal | None
) -> ProductDecision:
    if not product.active:
        return ProductDecision("ignore", product, reason="deactivated and not in the shop")
    stock = stock_fields(quantity if quantity is not None else Decimal(0), prefs)
    counted = product.track_stock and not product.variants  # variations carry the stock
    counted = counted and "quantity" in prefs.create_fields
    extra = stock.fields if counted and not stock.problem else {}
    send = {**fields, "status": prefs.new_products_status, **extra}
    return ProductDecision("create", product, fields, send, stock=extra)
