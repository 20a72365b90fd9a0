"""A WooCommerce product webhook, for a connection that pushes: is it news?

A ``product.updated`` delivery is a hint, not a record (it is built at send
time, may be late or merged), so it never writes anything itself: when the
shop's product differs from what tillsync last wrote or agreed (the link's
hash), the catalog job (products pushed) or the stock job (stock pushed) is
asked to run soon, and that run reads the shop again.  When it does not
differ, the delivery is tillsync's own write coming back (echo) and nothing
runs.  Many deliveries in a burst cost one run: the scheduler queues at
most one more.  A ``customer.created``/``customer.updated`` delivery (a
connection writing the shop's customers to its back office) asks for the
customers job, whose per-account hash makes an unchanged account cost nothing.
A ``coupon.*`` delivery (coupons pushed to a back office keeping vouchers) and
a new shop product (``product.created``, for a back office that creates
products) ask for the catalog job, which pushes both; their hashes make our
own writes cost nothing there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.backends.base import Capability
from engine.store.links import Link
from engine.sync.context import SyncContext
from engine.sync.directions import PUSHABLE_PRODUCT_FIELDS, Entity
from engine.sync.echo import changed_since
from engine.sync.fieldhash import decode
from engine.sync.product_writes import PRODUCT, STOCK
from engine.sync.variations import VARIATION
from engine.sync.woo_index import woo_view

__all__ = [
    "PushHints",
    "creates_products",
    "pushes_anything",
    "pushes_coupons",
    "pushes_customers",
]


def pushes_anything(ctx: SyncContext) -> bool:
    return ctx.directions.pushes(Entity.PRODUCTS) or ctx.directions.pushes(Entity.STOCK)


def pushes_customers(ctx: SyncContext) -> bool:
    """The shop's customer accounts go to a back office that takes them."""
    writes = Capability.CUSTOMERS_WRITE in ctx.backend.capabilities
    return writes and ctx.directions.pushes(Entity.CUSTOMERS)


def pushes_coupons(ctx: SyncContext) -> bool:
    """The shop's coupons go to a back office that keeps vouchers."""
    writes = Capability.VOUCHERS in ctx.backend.capabilities
    return writes and ctx.directions.pushes(Entity.COUPONS)


def creates_products(ctx: SyncContext) -> bool:
    """New shop products are created in the back office (engine.sync.product_creates)."""
    creates = Capability.PRODUCTS_CREATE in ctx.backend.capabilities
    return creates and ctx.directions.pushes(Entity.PRODUCTS)


class PushHints:
    """The receiver's hint handler of one connection (see the module docstring)."""

    def __init__(self, ctx: SyncContext, run_soon: Callable[[str], object]) -> None:
        self.ctx = ctx
        self.run_soon = run_soon  # the job's name -> ask the scheduler for a run

    async def __call__(self, topic: str, payload: dict[str, Any]) -> str:
        if topic.startswith("customer."):
            return self._customer()
        if topic.startswith("coupon."):
            return self._asks_catalog(pushes_coupons(self.ctx))
        woo_id, links = int(payload.get("id") or 0), self.ctx.store.links
        link = await links.get_by_woo_id(PRODUCT, woo_id, connection=self.ctx.connection)
        variation = None
        if link is None:  # a variation comes as a product too; only its stock is pushed
            variation = await links.get_by_woo_id(VARIATION, woo_id, connection=self.ctx.connection)
        if link is None and variation is None:  # a shop-only product: created, or nothing
            return self._asks_catalog(creates_products(self.ctx) and bool(payload.get("sku")))
        view = woo_view(payload, self.ctx.prefs.price_decimals)
        jobs = []
        if link is not None and self._product_news(link, view):
            jobs.append("catalog")
        if await self._stock_news(link or variation, view):  # type: ignore[arg-type]
            jobs.append("stock")
        for job in jobs:
            self.run_soon(job)
        return "queued " + ", ".join(jobs) if jobs else "echo"

    def _asks_catalog(self, wanted: bool) -> str:
        if not wanted:
            return "not ours"
        self.run_soon("catalog")
        return "queued catalog"

    def _customer(self) -> str:
        if not pushes_customers(self.ctx):
            return "not ours"
        self.run_soon("customers")
        return "queued customers"

    def _product_news(self, link: Link, view: dict[str, Any]) -> bool:
        directions = self.ctx.directions
        names = [n for n in PUSHABLE_PRODUCT_FIELDS if directions.may_push(Entity.PRODUCTS, n)]
        return bool(names) and bool(changed_since(decode(link.hash), view, names))

    async def _stock_news(self, link: Link, view: dict[str, Any]) -> bool:
        if not self.ctx.directions.pushes(Entity.STOCK) or not view.get("manage_stock"):
            return False
        stock = await self.ctx.store.links.get_by_backoffice_id(
            STOCK, link.backoffice_id, connection=self.ctx.connection
        )
        remembered = decode(stock.hash) if stock is not None else {}
        return bool(changed_since(remembered, view, ("stock_quantity",)))
