"""Lazily built, run-scoped knowledge the catalog job may need.

Each piece costs requests, so it is fetched only when a page first needs it
and then shared by every page of the run: the WooCommerce SKU index (only
for unlinked products or a full run), the back-office stock snapshot (only
when a product is about to be created, so it goes in with its stock), and
the quantities of orders not yet booked in the back office, and the shop's
tax class slugs (only when a product with a tax class is about to be written;
remembered for a day, asked again for a class not in the list).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from engine.backends import Capability
from engine.backends.base import Cursor
from engine.model import StockLevel
from engine.sync.jobrun import JobRun
from engine.sync.shop_values import shop_tax_class_slugs
from engine.sync.woo_fields import CatalogPreferences
from engine.sync.woo_index import WooIndex

__all__ = ["ShopView"]

_TAX_CLASSES = "woo.tax_classes"  # settings key: the shop's class slugs and when read
_TAX_CLASSES_FOR = timedelta(days=1)


class ShopView:
    def __init__(self, run: JobRun, prefs: CatalogPreferences, *, build_index: bool) -> None:
        self.run = run
        self.ctx = run.ctx
        self.prefs = prefs
        self.wants_index = build_index
        self._index: WooIndex | None = None
        self._stock: dict[str, Decimal] | None = None
        self._pending: dict[str, Decimal] | None = None
        self._lock = asyncio.Lock()
        self._stock_task: asyncio.Task[dict[str, Decimal]] | None = None
        self._levels: dict[str, Decimal] = {}  # the snapshot as far as it has been read
        self._start_cursor: Cursor | None = None  # the read's first page's, if any
        self._revised: dict[tuple[str, str], Decimal] = {}  # rows with a revision, as last read
        self._stock_read_whole = False
        self._unstocked: set[str] = set()  # linked this run without the snapshot's stock
        self._stock_grew = asyncio.Condition()
        self._stock_read_over = False
        self._tax_classes: frozenset[str] | None = None

    def prefetch_stock(self) -> None:
        """Start reading the stock snapshot now, while other work keeps the shop busy.

        Used on a first sync, where every product is created with its stock:
        the read then overlaps the category writes instead of delaying the
        first product batch.
        """
        if self.reads_stock and self._stock is None and self._stock_task is None:
            self._stock_task = asyncio.create_task(self._read_stock(), name="stock-snapshot")

    @property
    def reads_stock(self) -> bool:
        """Whether the back office keeps stock at all (one that doesn't leaves Woo's alone)."""
        return Capability.STOCK_READ in self.ctx.backend.capabilities

    async def close(self) -> None:
        """Drop a prefetch the run no longer needs (the run failed or had no creates)."""
        task, self._stock_task = self._stock_task, None
        if task is None:
            return
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task  # also retrieves an error nobody waited for

    async def index(self) -> WooIndex:
        async with self._lock:
            if self._index is None:
                index = WooIndex(self.prefs.price_decimals)
                async for product in self.ctx.woo.iter_products():
                    index.add(product)
                self._index = index
                if index.duplicate_skus:
                    self.run.note(
                        f"{len(index.duplicate_skus)} SKU(s) appear on more than one "
                        "WooCommerce product; the newest is linked"
                    )
        return self._index

    async def tax_class_slugs(self, wanted: Collection[str]) -> frozenset[str]:
        """The tax classes the shop knows (``""`` = standard).

        The list read last (kept in the state store for a day) answers while
        it holds every ``wanted`` class; otherwise the shop is asked again, so
        a class just added in wp-admin is found and a missing one is certain.
        """
        async with self._lock:
            if self._tax_classes is None:
                self._tax_classes = await self._remembered_tax_classes()
            if self._tax_classes is None or not set(wanted) <= self._tax_classes:
                classes = await self.ctx.woo.list_tax_classes()
                self._tax_classes = shop_tax_class_slugs(classes)
                await self._remember_tax_classes(self._tax_classes)
            return self._tax_classes

    async def _remembered_tax_classes(self) -> frozenset[str] | None:
        saved = await self.ctx.store.settings.get(_TAX_CLASSES, connection=self.ctx.connection)
        if not isinstance(saved, dict) or not isinstance(saved.get("slugs"), list):
            return None
        read_at = datetime.fromisoformat(str(saved.get("at")))
        if datetime.now(UTC) - read_at > _TAX_CLASSES_FOR:
            return None
        return frozenset(str(s) for s in saved["slugs"])

    async def _remember_tax_classes(self, slugs: frozenset[str]) -> None:
        if self.run.dry_run:
            return
        value = {"slugs": sorted(slugs), "at": datetime.now(UTC).isoformat()}
        await self.ctx.store.settings.set(_TAX_CLASSES, value, connection=self.ctx.connection)

    async def index_if_built(self) -> WooIndex | None:
        return await self.index() if self.wants_index else self._index

    async def stock_of(self, product_id: str, sku: str) -> Decimal:
        """Back-office quantity net of orders still on their way there (may be negative)."""
        on_hand = await self._on_hand(product_id)
        async with self._lock:
            if self._pending is None:
                self._pending = await self.pending()
        return on_hand - self._pending.get(sku, Decimal(0))

    async def _on_hand(self, product_id: str) -> Decimal:
        """The snapshot's quantity; early, once the product's level has been read, if it can be.

        WHY: a back office whose stock read gives each product at most one level
        (``BackendBase.stock_read_once_per_product``) lets a first sync create the products of
        a page as soon as their levels are in, instead of after the whole read.
        """
        if self._stock is None and self._stock_task is None:
            self._stock_task = asyncio.create_task(self._read_stock(), name="stock-snapshot")
        task = self._stock_task
        if self._stock is None and task is not None:
            if getattr(self.ctx.backend, "stock_read_once_per_product", False):
                async with self._stock_grew:
                    await self._stock_grew.wait_for(
                        lambda: product_id in self._levels or self._stock_read_over
                    )
                if product_id in self._levels:
                    return self._levels[product_id]
            self._stock = await task
        return (self._stock or {}).get(product_id, Decimal(0))

    async def pending(self) -> dict[str, Decimal]:
        return await self.ctx.store.outbox.pending_quantities_by_sku(self.ctx.connection)

    def linked_without_stock(self, product_id: str) -> None:
        """A product this run links to the shop without writing the snapshot's stock.

        Only a run that reads a snapshot keeps the list (it alone may leave a
        stock cursor); every other run would collect every product for nothing.
        """
        if self._stock_task is not None:
            self._unstocked.add(product_id)

    def stock_cursor(self) -> Cursor | None:
        """Where the stock job may go on from once this run's snapshot is in the shop.

        Only when the snapshot was read whole, the back office told where its
        read began (``Page.start_cursor``), and every product of the snapshot
        linked in this run went in with its snapshot quantity; otherwise None
        (the stock job then reads every level, as it would have anyway).
        """
        if not self._stock_read_whole or self._start_cursor is None:
            return None
        if any(product_id in self._levels for product_id in self._unstocked):
            return None
        return self._start_cursor

    async def _read_stock(self) -> dict[str, Decimal]:
        location = self.ctx.stock_location_id
        try:
            first = True
            async for page in self.ctx.backend.read_stock(location_id=location):
                if first:
                    self._start_cursor, first = page.start_cursor, False
                for level in page.items:
                    self._add_level(level)
                async with self._stock_grew:
                    self._stock_grew.notify_all()
            self._stock_read_whole = True
        finally:
            self._stock_read_over = True  # done or failed: nobody waits for a level any more
            async with self._stock_grew:
                self._stock_grew.notify_all()
        return self._levels

    def _add_level(self, level: StockLevel) -> None:
        """A product's levels add up (several units or rows may hold its stock).

        A level with a revision is one object of the back office: read again
        (a read in revision order meets a row changed mid-read once more, at
        its end), it replaces its first reading instead of adding to it.
        """
        before = Decimal(0)
        if level.revision is not None:
            key = (level.product_id, level.location_id)
            before = self._revised.get(key, Decimal(0))
            self._revised[key] = level.quantity
        total = self._levels.get(level.product_id, Decimal(0)) - before + level.quantity
        self._levels[level.product_id] = total
