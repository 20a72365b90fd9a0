"""The stock job: back-office quantities into WooCommerce, only what changed.

Reads stock levels of the selected location changed since the saved cursor
(all of them on a full run), subtracts what WooCommerce orders still on
their way to the back office hold, and writes the changed quantities (and
visibility, when out-of-stock products are hidden) in batches.

Safety rules: a quantity is only written from a page that was read whole
and parsed; a product missing from a read is never set to 0; a fractional
quantity is set aside with a reason; a negative back-office quantity
(oversold) is written as it is, so the shop and the back office agree and
the shop shows it out of stock (logged).  Products not yet in
the shop are left to the catalog job, which creates them with their stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.events import Level
from engine.model import StockLevel
from engine.store.links import Link
from engine.sync.catalog_writer import PRODUCT, STOCK
from engine.sync.context import SyncContext
from engine.sync.diff import REAL_RUN_LISTED, CatalogDiff, DiffEntry, FieldChange
from engine.sync.directions import Entity
from engine.sync.fieldhash import changed_fields, decode, encode, fingerprint
from engine.sync.jobrun import JobRun, RunTotals
from engine.sync.pipeline import PageResult, apply_pages
from engine.sync.product_writes import GONE
from engine.sync.shop_view import ShopView
from engine.sync.stock_push import StockPush
from engine.sync.variations import VARIATION, parent_of, variation_stock
from engine.sync.woo_fields import stock_fields
from engine.woo.batch import BatchItemResult

__all__ = ["StockReport", "StockSync", "stock_cursor_name"]


def stock_cursor_name(location_id: str | None) -> str:
    return f"stock.{location_id or 'default'}"


@dataclass(frozen=True)
class StockReport:
    run_id: int
    diff: CatalogDiff
    totals: RunTotals
    duration_s: float
    requests: int


@dataclass(frozen=True)
class _Write:
    link: Link
    fields: dict[str, Any]
    send: dict[str, Any]
    resource: str = "products"  # a variation's: products/<parent>/variations


class StockSync:
    job = "stock"

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    async def run(self, *, full: bool = False, dry_run: bool = False) -> StockReport:
        diff = CatalogDiff(limit=None if dry_run else REAL_RUN_LISTED)
        async with JobRun(self.ctx, self.job, full=full, dry_run=dry_run) as run:
            view = ShopView(run, self.ctx.prefs, build_index=full)
            if self.ctx.directions.pushes(Entity.STOCK):
                await StockPush(run, diff, view).push()  # first: the shop's figure wins a tie
            if self.ctx.directions.pulls(Entity.STOCK):
                await _StockPass(run, diff, view).sync()
        return StockReport(run.run_id, diff, run.totals, run.duration_s, run.requests)


class _StockPass:
    def __init__(self, run: JobRun, diff: CatalogDiff, view: ShopView) -> None:
        self.run = run
        self.ctx = run.ctx
        self.diff = diff
        self.view = view
        self.pending: dict[str, Decimal] = {}

    async def sync(self) -> None:
        location = self.ctx.stock_location_id
        name = stock_cursor_name(location)
        since = None
        if not self.run.full:
            since = await self.ctx.store.cursors.value(name, connection=self.ctx.connection)
        self.pending = await self.view.pending()
        await apply_pages(
            self.run,
            self.ctx.backend.read_stock(since=since, location_id=location),
            self._apply,
            cursor_name=name,
            concurrency=self.ctx.write_concurrency,
        )

    async def _apply(self, levels: list[StockLevel]) -> PageResult:
        totals = _totals(levels)
        ids = [product_id for product_id, _ in totals]
        links = self.ctx.store.links
        products = await links.get_many(PRODUCT, ids, connection=self.ctx.connection)
        unlinked = [i for i in ids if i not in products]  # a variant's stock, maybe
        variations = await links.get_many(VARIATION, unlinked, connection=self.ctx.connection)
        stocks = await links.get_many(STOCK, ids, connection=self.ctx.connection)
        writes = []
        for product_id, quantity in totals:
            link = products.get(product_id) or variations.get(product_id)
            write = await self._plan(link, stocks.get(product_id), quantity)
            if write is not None:
                writes.append(write)
        for w in writes:
            changes = tuple(FieldChange(k, v) for k, v in w.send.items())
            self.diff.add(
                DiffEntry("update", STOCK, w.link.sku or "", woo_id=w.link.woo_id, changes=changes)
            )
        if self.run.dry_run or not writes:
            return [], True
        links: list[Link] = []
        complete = True
        for resource in dict.fromkeys(w.resource for w in writes):
            group = [w for w in writes if w.resource == resource]
            done, final = await self._write(resource, group)
            links += done
            complete = complete and final
        return links, complete

    async def _write(self, resource: str, writes: list[_Write]) -> PageResult:
        """One batch call for the products (or one parent's variations) of a page."""
        result = await self.ctx.woo.batch(
            resource, update=[{"id": w.link.woo_id, **w.send} for w in writes]
        )
        links = []
        complete = True
        for item in result.updated:
            write = writes[item.index]
            if item.ok:
                self.run.totals.written += 1
                links.append(
                    Link(
                        STOCK,
                        write.link.backoffice_id,
                        write.link.woo_id,
                        write.link.sku,
                        encode(fingerprint(write.fields)),
                    )
                )
            else:
                complete = complete and not _retryable(item)
                await self._failed(write, item)
        return links, complete

    async def _plan(
        self, product: Link | None, stock: Link | None, quantity: Decimal
    ) -> _Write | None:
        if product is None:
            return None  # not in the shop yet: the catalog job creates it with its stock
        if "quantity" not in self.ctx.prefs.update_fields:
            return None  # the admin keeps the shop's own quantities (update_fields)
        sku = product.sku or ""
        if quantity < 0:
            self.run.note(
                f"{sku}: back-office stock {quantity} is negative (oversold); "
                "the shop shows the same figure, as out of stock",
                level=Level.WARNING,
            )
        net = quantity - self.pending.get(sku, Decimal(0))
        built = stock_fields(net, self.ctx.prefs)
        if built.problem:
            await self.run.skip(STOCK, sku or product.backoffice_id, built.problem)
            return None
        if product.kind == VARIATION:
            return await self._variation(product, stock, variation_stock(net, self.ctx.prefs))
        previous = await self._previous(product, stock)
        send = changed_fields(previous, built.fields)
        if not send:
            self.run.totals.unchanged += 1
            self.diff.add(DiffEntry("unchanged", STOCK, sku))
            return None
        return _Write(product, built.fields, send)

    async def _variation(
        self, variation: Link, stock: Link | None, fields: dict[str, Any]
    ) -> _Write | None:
        """A variant's quantity goes to its variation, under its parent."""
        send = changed_fields(decode(stock.hash) if stock is not None else {}, fields)
        parent = parent_of(variation)
        if not send or parent is None:
            self.run.totals.unchanged += 1
            return None
        return _Write(variation, fields, send, f"products/{parent}/variations")

    async def _previous(self, product: Link, stock: Link | None) -> dict[str, str]:
        previous = decode(stock.hash) if stock is not None else {}
        index = await self.view.index_if_built()
        entry = index.by_woo_id(product.woo_id) if index is not None else None
        return {**previous, **entry.digests} if entry is not None else previous

    async def _failed(self, write: _Write, item: BatchItemResult) -> None:
        if item.code == GONE:
            await self._forget(write.link)
            return
        if _retryable(item):
            self.run.totals.failed += 1
            self.run.note(f"stock of {write.link.sku} not written yet ({item.message})")
            return
        await self.run.skip(
            STOCK,
            write.link.sku or write.link.backoffice_id,
            f"WooCommerce refused it: {item.message}",
        )

    async def _forget(self, link: Link) -> None:
        """Deleted in the shop (answered 400 invalid id): the catalog job re-creates it,
        with its stock; setting it aside would hide the product for good."""
        for kind in (PRODUCT, STOCK):
            await self.ctx.store.links.delete(
                kind, link.backoffice_id, connection=self.ctx.connection
            )
        self.run.totals.failed += 1
        self.run.note(
            f"product {link.sku} was deleted in WooCommerce; the catalog job re-creates it"
        )


def _retryable(item: BatchItemResult) -> bool:
    return item.kind is not None and item.kind.retryable


def _totals(levels: list[StockLevel]) -> list[tuple[str, Decimal]]:
    """One quantity per product (a page may carry several rows for one product)."""
    totals: dict[str, Decimal] = {}
    for level in levels:
        totals[level.product_id] = totals.get(level.product_id, Decimal(0)) + level.quantity
    return list(totals.items())
