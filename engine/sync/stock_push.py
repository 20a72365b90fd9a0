"""The stock push: quantities set in WooCommerce, written to the back office.

Runs inside the stock job, before the pull, when ``[connections.x.directions]
stock`` is ``push`` or ``both`` (the back office declares ``stock.write``).
WooCommerce's sales change stock without bumping ``date_modified``, so every
run reads the shop's managed stock in full and compares each quantity with
what tillsync last wrote to, or agreed with, the shop (the stock link).
A quantity that matches is unchanged or our own write coming back, and is
dropped (:mod:`engine.sync.echo`).

The back office gets the shop's quantity *plus* what the shop's orders not
yet booked there hold: the shop has already taken those units off, the back
office takes them off when the sale is booked.  Sending the bare figure
would count each in-flight sale twice.  This is the mirror of the pull's
rule (back-office quantity minus in-flight orders), so a quantity pushed
and read back gives the shop the figure it already shows: no write.
A variable product's variations are read under it; each goes to its variant.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.model import StockLevel
from engine.store.links import Link
from engine.sync.diff import CatalogDiff, DiffEntry, FieldChange
from engine.sync.echo import changed_since
from engine.sync.fieldhash import decode, encode, fingerprint
from engine.sync.jobrun import JobRun
from engine.sync.product_writes import PRODUCT, STOCK
from engine.sync.shop_view import ShopView
from engine.sync.variations import VARIATION
from engine.sync.woo_fields import STOCK_FIELD_NAMES
from engine.sync.woo_index import woo_view

__all__ = ["PUSHED_STOCK", "StockPush"]

PUSHED_STOCK = "stock in the back office"  # the diff's entity for a pushed quantity
_Plan = tuple[StockLevel, Link, dict[str, Any]]


class StockPush:
    def __init__(self, run: JobRun, diff: CatalogDiff, view: ShopView) -> None:
        self.run = run
        self.ctx = run.ctx
        self.diff = diff
        self.view = view
        self.echoes = 0  # shop quantities dropped as our own writes coming back
        self.pending: dict[str, Decimal] = {}

    async def push(self) -> None:
        self.pending = await self.view.pending()
        params = {"status": "any", "orderby": "id", "order": "asc"}
        async for page in self.ctx.woo.iter_pages("products", params):
            await self._page([p for p in page.items if p.get("manage_stock")], PRODUCT)
            for parent in page.items:
                if parent.get("type") == "variable":  # counted per variation
                    await self._variations(int(parent["id"]))

    async def _variations(self, parent_id: int) -> None:
        params = {"orderby": "id", "order": "asc"}
        async for page in self.ctx.woo.iter_pages(f"products/{parent_id}/variations", params):
            await self._page([v for v in page.items if v.get("manage_stock")], VARIATION)

    async def _page(self, items: list[dict[str, Any]], kind: str) -> None:
        planned = [plan for data in items if (plan := await self._plan(data, kind)) is not None]
        if not planned or self.run.dry_run:
            return
        results = await self.ctx.backend.write_stock([level for level, _, _ in planned])
        links: list[Link] = []
        for (level, link, view), result in zip(planned, results, strict=True):
            if result.ok:
                self.run.totals.written += 1
                links += self._agreed(level, link, view)
            else:
                reason = f"the back office refused the shop's quantity: {result.message}"
                await self.run.skip(STOCK, link.sku or link.backoffice_id, reason)
        await self.ctx.store.links.upsert_many(links, connection=self.ctx.connection)

    async def _plan(self, data: dict[str, Any], kind: str) -> _Plan | None:
        """The level to write for one shop product or variation (``kind`` of its link),
        or None (not ours, unchanged, an echo)."""
        self.run.totals.read += 1
        store, connection = self.ctx.store.links, self.ctx.connection
        product = await store.get_by_woo_id(kind, int(data["id"]), connection=connection)
        if product is None:
            return None  # not a back-office product: nothing to tell it
        stock = await store.get_by_backoffice_id(
            STOCK, product.backoffice_id, connection=connection
        )
        remembered = decode(stock.hash) if stock is not None else {}
        view = woo_view(data)
        if not changed_since(remembered, view, ("stock_quantity",)):
            self.echoes += 1
            self.run.totals.unchanged += 1
            return None
        units = Decimal(int(view.get("stock_quantity") or 0))
        quantity = units + self.pending.get(product.sku or "", Decimal(0))
        level = StockLevel(
            product.backoffice_id, self.ctx.stock_location_id or "", quantity, product.sku
        )
        change = (FieldChange("quantity", str(quantity)),)
        self.diff.add(
            DiffEntry(
                "update", PUSHED_STOCK, product.sku or "", woo_id=product.woo_id, changes=change
            )
        )
        return level, product, view

    def _agreed(self, level: StockLevel, product: Link, view: dict[str, Any]) -> list[Link]:
        """The shop's stock fields as they are now are agreed by both sides.

        The pull then reads ``level`` back, takes the in-flight orders off
        again and finds the figure the shop shows: nothing to write.
        """
        held = fingerprint({n: view[n] for n in STOCK_FIELD_NAMES if n in view})
        return [Link(STOCK, product.backoffice_id, product.woo_id, product.sku, encode(held))]
