"""Apply one page of back-office products to WooCommerce.

Decides per product (:func:`decide`), sends the creates and updates of the
page as one batch, and turns every item's answer into links (or a reason
it was set aside) through :class:`ProductWrites`, which also settles the
answers that are not final (lost, duplicate SKU, trashed, image refused).
Products whose images were set aside go without images until the admin
retries them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.model import Product
from engine.store.links import Link
from engine.sync.batch_filler import BatchFiller
from engine.sync.diff import CatalogDiff, DiffEntry, FieldChange
from engine.sync.directions import Entity
from engine.sync.echo import EchoMemory
from engine.sync.fieldhash import FieldHashes, fingerprint
from engine.sync.jobrun import JobRun
from engine.sync.product_plan import ProductDecision, decide
from engine.sync.product_writes import GTIN, IMAGE, PRODUCT, STOCK, ProductWrites
from engine.sync.shop_view import ShopView
from engine.sync.variation_writes import VariationWrites
from engine.sync.woo_fields import CatalogPreferences, stock_fields
from engine.sync.woo_index import woo_view

__all__ = ["GTIN", "IMAGE", "PRODUCT", "STOCK", "ProductWriter"]


class ProductWriter:
    def __init__(
        self,
        run: JobRun,
        diff: CatalogDiff,
        prefs: CatalogPreferences,
        category_ids: dict[str, int],
        view: ShopView,
        *,
        only_new: bool = False,
        filler: BatchFiller | None = None,
    ) -> None:
        self.run = run
        self.ctx = run.ctx
        self.diff = diff
        self.prefs = prefs
        self.category_ids = category_ids
        self.view = view
        self.only_new = only_new
        self.writes = ProductWrites(run, prefs, filler)
        self.variations = VariationWrites(run, diff, prefs, view)
        self._sku_owner: dict[str, str] = {}
        self._set_aside: dict[str, set[str]] = {}  # kind -> keys, read once a run
        self.echo = EchoMemory(self.ctx.store, self.ctx.connection, Entity.PRODUCTS)
        self.echoes = 0  # back-office changes dropped as our push coming back

    @property
    def incomplete(self) -> int:
        """Items of the current run that failed transiently."""
        return self.writes.incomplete

    async def apply_page(self, products: list[Product]) -> tuple[list[Link], bool]:
        """Like :meth:`apply`, also saying whether every item reached a final state."""
        before = self.incomplete
        links = await self.apply(products)
        return links, self.incomplete == before

    async def apply(self, products: list[Product]) -> list[Link]:
        """Decide and write one page; returns the links to save with the page."""
        decisions = await self._decide(products)
        for decision in decisions:
            await self._record(decision)
        creates = [d for d in decisions if d.verb == "create"]
        updates = [d for d in decisions if d.verb == "update"]
        if self.run.dry_run:
            await self._diff_with_before(creates, updates)
            return []
        self._diff(creates, updates)
        relinked = [
            link for d in decisions if d.verb == "link"
            for link in self.writes.links(d, int(d.woo_id or 0), stock=False)
        ]  # fmt: skip
        written = relinked
        if creates or updates:
            written = relinked + await self.writes.write(creates, updates)
        return written + await self._variations(decisions, written)

    async def _variations(self, decisions: list[ProductDecision], links: list[Link]) -> list[Link]:
        """The variations of the page's variable products, once their parents have ids."""
        woo_ids = {link.backoffice_id: link.woo_id for link in links if link.kind == PRODUCT}
        parents = []
        for d in decisions:
            woo_id = woo_ids.get(d.product.id) or d.woo_id
            if d.product.variants and d.verb not in ("skip", "ignore") and woo_id:
                parents.append((d.product, int(woo_id)))
        return await self.variations.write(parents) if parents else []

    async def _decide(self, products: list[Product]) -> list[ProductDecision]:
        known = await self.ctx.store.links.get_many(
            PRODUCT, [p.id for p in products], connection=self.ctx.connection
        )
        links = [known.get(p.id) for p in products]
        index = await self.view.index_if_built()
        if index is None and any(link is None for link in links):
            index = await self.view.index()
        unlinked = [p.sku for p, link in zip(products, links, strict=True) if link is None]
        owners = await self.ctx.store.links.owners_of_skus(
            PRODUCT, unlinked, connection=self.ctx.connection
        )
        decisions = []
        images, gtins = await self._aside(IMAGE), await self._aside(GTIN)
        written = await self._pushed([p.id for p in products])
        for product, link in zip(products, links, strict=True):
            if product.image_urls and (product.sku or product.id) in images:
                product = replace(product, image_urls=())  # until the admin retries them
            if product.codes and (product.sku or product.id) in gtins:
                product = replace(product, codes=())  # refused by the shop: until retried
            woo = None
            if index is not None:
                woo = index.by_woo_id(link.woo_id) if link else index.get(product.sku)
                if link is not None and woo is None and self.run.full:
                    link = None  # deleted in the shop: create it again
            decision = decide(product, self.prefs, self.category_ids, link, woo)
            duplicate = self._duplicate_of(product, link, owners) if product.active else None
            if duplicate is not None and decision.verb not in ("skip", "ignore"):
                reason = f"duplicate SKU: back-office product {duplicate} has the same number"
                decision = replace(decision, verb="skip", reason=reason)
            decision = self._directed(decision, written.get(product.id, {}))
            decisions.append(await self._with_stock(decision))
        return await self._known_tax_classes(decisions)

    def _directed(self, decision: ProductDecision, written: FieldHashes) -> ProductDecision:
        """Both ways on: leave the shop's own fields alone, and drop our push's echo.

        A field the shop owns (``truth``) is not sent and its remembered digest
        kept; an update that only repeats what the push wrote to the back
        office is that write coming back (engine.sync.echo): nothing is sent,
        the link just agrees.
        """
        directions = self.ctx.directions
        if decision.verb != "update" or not directions.pushes(Entity.PRODUCTS):
            return decision
        owned = [n for n in decision.send if not directions.may_pull(Entity.PRODUCTS, n)]
        if owned:
            send = {k: v for k, v in decision.send.items() if k not in owned}
            fields = {k: v for k, v in decision.fields.items() if k not in owned}
            kept = {k: v for k, v in decision.previous.items() if k in owned}
            hashes = {**fingerprint(fields), **kept}
            decision = replace(decision, send=send, fields=fields, hashes=hashes)
        if EchoMemory.echoed(written, decision.send) or not decision.send:
            self.echoes += bool(decision.send)
            hashes = {**decision.previous, **decision.remembered()}
            return replace(decision, verb="unchanged", send={}, hashes=hashes)
        return decision

    async def _pushed(self, ids: list[str]) -> dict[str, FieldHashes]:
        """What the push wrote to the back office for these products (none: not pushing)."""
        if not self.ctx.directions.pushes(Entity.PRODUCTS):
            return {}
        return await self.echo.written(ids)

    async def _known_tax_classes(self, decisions: list[ProductDecision]) -> list[ProductDecision]:
        """Refuse a tax class the shop doesn't have: it would store "" (standard rate)
        with a 200, and 0 % goods would be sold at the standard rate."""
        wanted = {d.send["tax_class"] for d in decisions if _writes_tax_class(d)}
        if not wanted:
            return decisions
        known = await self.view.tax_class_slugs(wanted)
        out = []
        for d in decisions:
            if _writes_tax_class(d) and d.send["tax_class"] not in known:
                tax_class = d.send["tax_class"]
                reason = (
                    f"tax class {tax_class!r} does not exist in WooCommerce "
                    f"(it has: {', '.join(sorted(c or 'standard' for c in known))}); "
                    "fix the tax class mapping"
                )
                d = replace(d, verb="skip", reason=reason)
            out.append(d)
        return out

    async def _aside(self, kind: str) -> set[str]:
        """Products whose images (kind "image") or barcode (kind "gtin") the shop refused."""
        if kind not in self._set_aside:
            entries = await self.ctx.store.skipped.entries(kind, connection=self.ctx.connection)
            self._set_aside[kind] = {e.key for e in entries}
        return self._set_aside[kind]

    def _duplicate_of(
        self, product: Product, link: Link | None, owners: dict[str, set[str]]
    ) -> str | None:
        """Another back-office product already using this SKU (this run or linked before).

        Two products behind one SKU would fight over one shop product on every
        run; the second is set aside until the back office is fixed.
        """
        if not product.sku:
            return None
        owner = self._sku_owner.setdefault(product.sku, product.id)
        if owner != product.id:
            return owner
        if link is not None:
            return None
        return next((o for o in sorted(owners.get(product.sku, ())) if o != product.id), None)

    async def _with_stock(self, decision: ProductDecision) -> ProductDecision:
        self._note_unstocked(decision)
        if decision.verb == "update" and self.only_new:
            return replace(decision, verb="unchanged")
        if decision.verb != "create" or not decision.product.track_stock:
            return decision
        if decision.product.variants:  # each variation goes in with its own stock
            return decision
        if not self.view.reads_stock:  # a back office without stock: Woo keeps its own
            return decision
        product = decision.product
        stock = stock_fields(await self.view.stock_of(product.id, product.sku), self.prefs)
        if stock.problem:
            return replace(decision, verb="skip", reason=stock.problem)
        return replace(decision, send={**decision.send, **stock.fields}, stock=stock.fields)

    def _note_unstocked(self, decision: ProductDecision) -> None:
        """Tell the view which products keep a link without the snapshot's quantity.

        A product matched in the shop keeps the shop's stock; one created
        without stock has none: the stock job must read their levels in full.
        """
        product = decision.product
        if decision.verb in ("skip", "ignore"):
            return
        stocked = product.track_stock and "quantity" in self.prefs.create_fields
        if decision.verb == "create" and stocked:
            return
        for product_id in (product.id, *(variant.id for variant in product.variants)):
            self.view.linked_without_stock(product_id)

    async def _record(self, decision: ProductDecision) -> None:
        product = decision.product
        if decision.verb == "skip":
            key = product.sku or product.id
            await self.run.skip(PRODUCT, key, decision.reason)
            self.diff.add(DiffEntry("skip", PRODUCT, key, product.name, reason=decision.reason))
        elif decision.verb in ("unchanged", "link"):
            self.run.totals.unchanged += 1
            self.diff.add(DiffEntry("unchanged", PRODUCT, product.sku))

    def _diff(self, creates: list[ProductDecision], updates: list[ProductDecision]) -> None:
        for d in [*creates, *updates]:
            changes = tuple(FieldChange(k, v) for k, v in d.send.items())
            entry = DiffEntry(d.verb, PRODUCT, d.product.sku, d.product.name, d.woo_id, changes)  # type: ignore[arg-type]
            self.diff.add(entry)

    async def _diff_with_before(
        self, creates: list[ProductDecision], updates: list[ProductDecision]
    ) -> None:
        """A dry run shows each changed field's current value in the shop."""
        current: dict[int, dict[str, Any]] = {}
        ids = [d.woo_id for d in updates if d.woo_id]
        if ids:
            found = await self.ctx.woo.get(
                "products", {"include": ",".join(map(str, ids)), "per_page": 100, "status": "any"}
            )
            current = {int(p["id"]): woo_view(p, self.prefs.price_decimals) for p in found or []}
        self._diff(creates, [])
        for d in updates:
            before = current.get(d.woo_id or 0, {})
            changes = tuple(FieldChange(k, v, before.get(k)) for k, v in d.send.items())
            self.diff.add(
                DiffEntry("update", PRODUCT, d.product.sku, d.product.name, d.woo_id, changes)
            )


def _writes_tax_class(decision: ProductDecision) -> bool:
    return decision.verb in ("create", "update") and "tax_class" in decision.send
