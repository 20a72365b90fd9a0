"""Write the variations of a page's variable products (see :mod:`engine.sync.variations`).

Runs after the parents were written (a new parent's id is known only then):
per parent, one ``products/<id>/variations/batch`` call with the variants
that are new or changed since their link's hash.  A new variation goes in
with its stock, like a new product; one the shop refuses is set aside with
WooCommerce's reason (kind ``variation``), the others are linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.model import Product, Variant
from engine.store.links import Link
from engine.sync.diff import CatalogDiff, DiffEntry, FieldChange
from engine.sync.fieldhash import encode, fingerprint
from engine.sync.jobrun import JobRun
from engine.sync.product_writes import STOCK
from engine.sync.shop_view import ShopView
from engine.sync.variations import (
    VARIATION,
    parent_of,
    variation_link,
    variation_plan,
    variation_stock,
)
from engine.sync.woo_fields import CatalogPreferences
from engine.woo import BatchItemResult

__all__ = ["VariationWrites"]


@dataclass(frozen=True)
class _Write:
    variant: Variant
    fields: dict[str, Any]  # what its link remembers
    body: dict[str, Any]  # what goes over the wire
    stock: dict[str, Any]  # stock fields sent with a create


class VariationWrites:
    def __init__(
        self, run: JobRun, diff: CatalogDiff, prefs: CatalogPreferences, view: ShopView
    ) -> None:
        self.run = run
        self.ctx = run.ctx
        self.diff = diff
        self.prefs = prefs
        self.view = view

    async def write(self, parents: list[tuple[Product, int]]) -> list[Link]:
        """Each (product, its WooCommerce id)'s new and changed variations; their links."""
        links: list[Link] = []
        for product, parent_id in parents:
            links += await self._parent(product, parent_id)
        return links

    async def _parent(self, product: Product, parent_id: int) -> list[Link]:
        known = await self.ctx.store.links.get_many(
            VARIATION, [v.id for v in product.variants], connection=self.ctx.connection
        )
        creates: list[_Write] = []
        updates: list[_Write] = []
        for variant, fields, send, link in variation_plan(product, self.prefs, known):
            if link is None or parent_of(link) != parent_id:
                stock = await self._stock(product, variant)
                creates.append(_Write(variant, fields, {**fields, **stock}, stock))
            else:
                updates.append(_Write(variant, fields, {"id": link.woo_id, **send}, {}))
        for w in (*creates, *updates):
            changes = tuple(FieldChange(k, v) for k, v in w.body.items() if k != "id")
            action = "create" if w in creates else "update"
            self.diff.add(
                DiffEntry(action, VARIATION, w.variant.sku, product.name, changes=changes)
            )
        if self.run.dry_run or not (creates or updates):
            return []
        result = await self.ctx.woo.batch(
            f"products/{parent_id}/variations",
            create=[w.body for w in creates],
            update=[w.body for w in updates],
        )
        links: list[Link] = []
        for item in result.created:
            links += await self._settled(creates[item.index], item, parent_id)
        for item in result.updated:
            links += await self._settled(updates[item.index], item, parent_id)
        return links

    async def _stock(self, product: Product, variant: Variant) -> dict[str, Any]:
        if not product.track_stock or not self.view.reads_stock:
            return {}
        if "quantity" not in self.prefs.create_fields:
            return {}  # the admin chose no quantity on create
        return variation_stock(await self.view.stock_of(variant.id, variant.sku), self.prefs)

    async def _settled(self, write: _Write, item: BatchItemResult, parent_id: int) -> list[Link]:
        variant = write.variant
        if not item.ok:
            reason = f"WooCommerce refused the variation: {item.code or ''} {item.message}"
            await self.run.skip(VARIATION, variant.sku or variant.id, reason.strip())
            return []
        self.run.totals.written += 1
        variation_id = int(item.id or write.body.get("id") or 0)
        links = [variation_link(variant, variation_id, parent_id, write.fields)]
        if write.stock:
            held = encode(fingerprint(write.stock))
            links.append(Link(STOCK, variant.id, variation_id, variant.sku, held))
        return links
