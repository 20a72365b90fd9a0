"""The catalog job: back-office products and categories into WooCommerce.

Reads the back office since the saved cursor (everything on a full run),
decides per product what the shop needs (:mod:`engine.sync.product_plan`),
and writes the difference through WooCommerce's batch endpoint, several
pages in flight at once, their writes gathered into full requests
(:class:`BatchFiller`: a page's leftover shares a request with the next
page's).  Links, their hashes and the cursor are saved in one transaction
per page once every write of the page is answered, and the cursor only ever
advances past pages that are completely applied (:class:`OrderedCommits`),
so a crash re-reads at most the pages in flight and matches them by link or
SKU: no duplicates.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from engine.backends.base import Capability
from engine.model import Product
from engine.store.mappings import MappingKind
from engine.sync.batch_filler import BatchFiller
from engine.sync.brand_attribute import brand_attribute_id
from engine.sync.catalog_writer import GTIN, IMAGE, PRODUCT, ProductWriter
from engine.sync.categories import CategorySync
from engine.sync.category_push import CategoryPush
from engine.sync.context import SyncContext
from engine.sync.coupon_pull import coupons_flow, sync_coupons
from engine.sync.diff import REAL_RUN_LISTED, CatalogDiff
from engine.sync.directions import Entity
from engine.sync.jobrun import JobRun, RunTotals
from engine.sync.pipeline import PageResult, apply_pages
from engine.sync.product_pairing import pair_by_sku
from engine.sync.product_push import ProductPush
from engine.sync.shop_view import ShopView
from engine.sync.stock import stock_cursor_name
from engine.sync.tax_gate import refuse_unmapped_tax_codes
from engine.sync.variation_pairing import without_paired
from engine.sync.woo_fields import CatalogPreferences

__all__ = ["PRODUCT_CURSOR", "CatalogReport", "CatalogSync"]

PRODUCT_CURSOR = "catalog.products"


@dataclass(frozen=True)
class CatalogReport:
    run_id: int
    diff: CatalogDiff
    totals: RunTotals
    duration_s: float
    requests: int
    dry_run: bool
    # SKUs asked for (``--sku``) that the back office does not have: said, not ignored
    unknown_skus: tuple[str, ...] = ()


class CatalogSync:
    """Runs the catalog job for one connection."""

    job = "catalog"

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    async def run(
        self,
        *,
        full: bool = False,
        dry_run: bool = False,
        only_new: bool = False,
        skus: Collection[str] | None = None,
    ) -> CatalogReport:
        diff = CatalogDiff(limit=None if dry_run else REAL_RUN_LISTED)
        async with JobRun(self.ctx, self.job, full=full, dry_run=dry_run) as run:
            prefs = await self._preferences(dry_run)
            await refuse_unmapped_tax_codes(self.ctx.backend, prefs.tax_classes)
            view = ShopView(run, prefs, build_index=full)
            filler = BatchFiller(self.ctx.woo, concurrency=self.ctx.write_concurrency)
            try:
                first = not dry_run and await self._first_sync()
                if first:
                    view.prefetch_stock()
                pusher = None
                if skus is None and self.ctx.directions.pushes(Entity.PRODUCTS):
                    pusher = ProductPush(run, diff)
                    await pusher.push()  # first: the shop's edits win a tie
                if skus is None and self.ctx.directions.pushes(Entity.CATEGORIES):
                    await CategoryPush(run, diff).push()  # the shop's tree, before the pull
                category_ids: dict[str, int] = {}
                if prefs.sync_categories and self._pulls_categories():
                    category_ids = await CategorySync(run, diff).sync()
                writer = ProductWriter(
                    run, diff, prefs, category_ids, view, only_new=only_new, filler=filler
                )
                wanted = None if skus is None else frozenset(skus)
                unknown = await self._products(run, writer, wanted, view)
                if pusher is not None:  # last: what only the shop has, once the pull paired
                    await pusher.create_new()
                if skus is None and not dry_run and coupons_flow(self.ctx):
                    await sync_coupons(self.ctx, diff)  # coupons and vouchers, too
                if first and skus is None:
                    await self._leave_stock_cursor(view)
            finally:
                await filler.aclose()
                await view.close()
        totals = (run.totals, run.duration_s, run.requests, dry_run)
        return CatalogReport(run.run_id, diff, *totals, unknown_skus=unknown)

    async def _first_sync(self) -> bool:
        """Nothing linked yet: every product will be created, with its stock."""
        if Capability.STOCK_READ not in self.ctx.backend.capabilities:
            return False
        if not self.ctx.directions.pulls(Entity.PRODUCTS):
            return False  # nothing is created in the shop
        return await self.ctx.store.links.count(PRODUCT, connection=self.ctx.connection) == 0

    async def _leave_stock_cursor(self, view: ShopView) -> None:
        """After a first sync, the stock job goes on from where the snapshot began.

        WHY: under a request quota the first stock run would otherwise read
        every level again right after the snapshot put them in the shop.  The
        snapshot's start (never its end) is safe: a level changed while it was
        read comes again.  A cursor the stock job saved meanwhile is kept.
        """
        cursor = view.stock_cursor()
        if cursor is None or not self.ctx.directions.pulls(Entity.STOCK):
            return
        store, name = self.ctx.store, stock_cursor_name(self.ctx.stock_location_id)
        if await store.cursors.value(name, connection=self.ctx.connection) is None:
            await store.cursors.set(name, cursor, connection=self.ctx.connection)

    def _pulls_categories(self) -> bool:
        """Back offices without categories (a flat price list) sync products only."""
        if not self.ctx.directions.pulls(Entity.CATEGORIES):
            return False
        return Capability.CATEGORIES_READ in self.ctx.backend.capabilities

    async def retry_skipped(self, keys: Collection[str] | None = None) -> CatalogReport:
        """Try set-aside products again now, in one step (all, or the ``keys`` given).

        Their entries are cleared first; the run reads the back office in full
        but only touches those SKUs, and sets aside again what is still wrong.
        """
        store, connection = self.ctx.store, self.ctx.connection
        chosen: list[str] = []
        for kind in (PRODUCT, IMAGE, GTIN):  # a product whose images or barcode were set aside, too
            for entry in await store.skipped.entries(kind, connection=connection):
                if keys is None or entry.key in keys:
                    await store.skipped.clear(kind, entry.key, connection=connection)
                    chosen.append(entry.key)
        return await self.run(skus=list(dict.fromkeys(chosen)))

    async def _preferences(self, dry_run: bool = False) -> CatalogPreferences:
        """The configured preferences plus the admin's tax-class mapping from the store."""
        mapped = await self.ctx.store.mappings.of_kind(
            MappingKind.TAX_CLASS, connection=self.ctx.connection
        )
        base = self.ctx.prefs
        brand_id = await brand_attribute_id(self.ctx.woo, base.brand_attribute, dry_run=dry_run)
        tax_classes = {**base.tax_classes, **mapped}
        return replace(base, tax_classes=tax_classes, brand_attribute_id=brand_id)

    async def _products(
        self, run: JobRun, writer: ProductWriter, skus: frozenset[str] | None, view: ShopView
    ) -> tuple[str, ...]:
        """Apply every page; returns the asked-for SKUs no page held (none asked: ()).

        Products pushed only (never pulled) are paired with the shop's by SKU
        instead of written (engine.sync.product_pairing).
        """
        pulls = self.ctx.directions.pulls(Entity.PRODUCTS)
        since = None
        found: set[str] = set()
        if not run.full and skus is None:
            since = await self.ctx.store.cursors.value(
                PRODUCT_CURSOR, connection=self.ctx.connection
            )

        async def apply(products: list[Product]) -> PageResult:
            chosen = [p for p in products if skus is None or p.sku in skus or p.id in skus]
            if skus is not None:
                found.update(h for p in chosen for h in (p.sku, p.id))
            if self.ctx.backend.variable_products_refused:
                chosen = await without_paired(run, chosen)  # sold as the shop's variations
            if not pulls:
                return await pair_by_sku(run, view, chosen)
            return await writer.apply_page(chosen)

        await apply_pages(
            run,
            self.ctx.backend.read_products(since=since),
            apply,
            cursor_name=PRODUCT_CURSOR if skus is None else None,
            concurrency=self.ctx.write_concurrency,
            flow=writer.writes.filler,
        )
        return tuple(sorted((skus or frozenset()) - found))
