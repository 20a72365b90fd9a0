"""SitooBackend: the Backend protocol for Sitoo REST API v2.

Catalog, categories and stock are read from one site (eshopid) and one
warehouse; WooCommerce orders are booked as Sitoo orders keyed by
``externalid`` and cancelled (never deleted).  The mode (test or live) is in
the transport's name, so every log line of the connection carries it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from engine.backends.api_base import ApiBackend
from engine.backends.base import (
    Capability,
    CheckResult,
    Cursor,
    IdempotencyKey,
    ItemResult,
    Page,
    SaleRef,
)
from engine.backends.budget import RequestBudget
from engine.backends.ledger import LedgerSale
from engine.backends.records import BackofficeEvent, MissingSetting
from engine.backends.sitoo import catalog, check
from engine.backends.sitoo.api import SitooApi
from engine.backends.sitoo.categories import write_categories
from engine.backends.sitoo.events import parse_events
from engine.backends.sitoo.fix_sku import FixSku
from engine.backends.sitoo.order_wire import is_click_and_collect
from engine.backends.sitoo.orders_in import OrderReader
from engine.backends.sitoo.reads import CatalogReader
from engine.backends.sitoo.reconcile import list_orders
from engine.backends.sitoo.sales import SitooOrders
from engine.backends.sitoo.settings import SitooSettings
from engine.backends.sitoo.vouchers import VoucherWriter, read_vouchers
from engine.backends.sitoo.writes import ProductWriter, StockWriter
from engine.errors import ConfigError
from engine.model import (
    BackofficeOrder,
    Category,
    Coupon,
    Location,
    LocationKind,
    Order,
    PriceGroup,
    Product,
    StockLevel,
    TaxCode,
)
from engine.transport import RetryPolicy
from engine.woo import WooClient

__all__ = ["SitooBackend", "create_sitoo_backend"]


class SitooBackend(ApiBackend):
    """One Sitoo site: catalog, stock from a warehouse, orders."""

    name = "sitoo"
    capabilities = frozenset(
        {
            Capability.PRODUCTS_READ,
            Capability.CATEGORIES_READ,
            Capability.CATEGORIES_WRITE,
            Capability.STOCK_READ,
            Capability.STOCK_READ_CHANGES_SINCE,
            Capability.SALES_CREATE,
            Capability.SALES_VOID,
            Capability.LOCATIONS,
            Capability.TAX_CODES,
            Capability.PRICE_GROUPS,
            Capability.NOTIFICATIONS,
            Capability.PRODUCTS_WRITE,
            Capability.PRODUCTS_CREATE,
            Capability.STOCK_WRITE,
            Capability.VOUCHERS,
            Capability.VOUCHERS_READ,
            Capability.SALES_LIST,
        }
    )

    def __init__(
        self,
        settings: SitooSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self._api = SitooApi(settings, transport=transport, retry=retry)
        self._reader = CatalogReader(self._api)
        self._orders = SitooOrders(self._api)
        self._warehouse = settings.warehouse_id
        self._orders_in = OrderReader(self._api)
        if settings.import_orders != "off":  # Sitoo orders go into WooCommerce too
            self.capabilities = SitooBackend.capabilities | {Capability.ORDERS_READ}

    def __repr__(self) -> str:
        return f"SitooBackend(account={self.settings.account_id!r}, mode={self.settings.mode!r})"

    @property
    def mode(self) -> str:
        return self.settings.mode

    @property
    def test_mode(self) -> bool:
        """Talking to the account's test side: the test-mode tools are allowed."""
        return self.settings.mode == "test"

    @property
    def external_products_refused(self) -> str | None:
        """With ``exclude_external`` the shop's external products stay out, said so."""
        if self.settings.exclude_external:
            return "an external product, and exclude_external = true keeps those out of Sitoo"
        return None

    @property
    def remaining_quota(self) -> int | None:
        """Requests left in the account's window, when Sitoo reported it [I]."""
        return self._api.remaining

    @property
    def set_aside(self) -> tuple[tuple[str, str], ...]:
        """Rows the last read left out, with why (a variant without SKU, "12,50")."""
        return tuple(self._reader.problems)

    @property
    def locations(self) -> Mapping[LocationKind, str]:
        return {LocationKind.WAREHOUSE: self._warehouse} if self._warehouse else {}

    async def check(self) -> CheckResult:
        return await check.check_connection(self._api)

    async def request_budget(self) -> RequestBudget:
        return await check.request_budget(self._api)

    def sku_tool(self, woo: WooClient, prefix: str) -> FixSku:
        """Sitoo refuses SKUs outside its pattern and can't pair an empty one: Fix SKU."""
        return FixSku(woo, prefix)

    def missing_settings(self, needs: Collection[Capability]) -> tuple[MissingSetting, ...]:
        return check.missing_settings(self._api, needs) if not self._warehouse else ()

    async def setting_choices(self, key: str) -> str:
        return await check.setting_choices(self._api, key)

    def read_products(self, since: Cursor | None = None) -> AsyncIterator[Page[Product]]:
        return self._reader.products(since)

    async def read_categories(self, since: Cursor | None = None) -> AsyncIterator[Page[Category]]:
        """Always whole: categories carry no change date to filter on; parents come first."""
        rows = await self._api.all_items(self._api.site("categories"))
        by_id = {str(r["categoryid"]): catalog.category_from_wire(r) for r in rows}
        yield Page(tuple(_parents_first(by_id)), None, len(by_id))

    def read_stock(
        self, since: Cursor | None = None, location_id: str | None = None
    ) -> AsyncIterator[Page[StockLevel]]:
        warehouse = location_id or self._warehouse
        if not warehouse:
            raise ConfigError(
                "no Sitoo warehouse chosen: set [connections.<name>.backend] warehouse",
                hint="tillsync doctor lists the warehouses of the site.",
            )
        return self._reader.stock(warehouse, since)

    async def read_tax_codes(self, since: Cursor | None = None) -> AsyncIterator[Page[TaxCode]]:
        rows = await self._api.all_items(self._api.site("productgroups"))
        yield Page(tuple(catalog.tax_code_from_wire(r) for r in rows))

    async def read_price_groups(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PriceGroup]]:
        rows = await self._api.all_items(self._api.site("pricelists"))
        net = not self.settings.prices_include_vat
        yield Page(tuple(catalog.price_group_from_wire(r, net) for r in rows))

    async def read_locations(self, since: Cursor | None = None) -> AsyncIterator[Page[Location]]:
        rows = await self._api.all_items(self._api.site("warehouses"))
        yield Page(tuple(catalog.location_from_warehouse(r) for r in rows))

    async def select_location(self, location_id: str, kind: LocationKind | None = None) -> Location:
        rows = await self._api.all_items(self._api.site("warehouses"))
        row = next((r for r in rows if str(r.get("warehouseid")) == str(location_id)), None)
        if row is None:
            raise ConfigError(f"Sitoo has no warehouse {location_id}")
        self._warehouse = str(row["warehouseid"])
        return catalog.location_from_warehouse(row)

    def declines(self, order: Order) -> str | None:
        """Only Click & Collect orders go to Sitoo unless regular orders are enabled."""
        if self.settings.regular_orders or is_click_and_collect(order, self.settings):
            return None
        return "not Click & Collect, and regular orders don't go to Sitoo (regular_orders = false)"

    def trigger_status(self, order: Order) -> str | None:
        """A Click & Collect order is booked when it reaches ``cac_status``, when set."""
        if self.settings.cac_status and is_click_and_collect(order, self.settings):
            return self.settings.cac_status
        return None

    def _warehouse_for(self, order: Order) -> str | None:
        if is_click_and_collect(order, self.settings) and self.settings.cac_warehouse_id:
            return self.settings.cac_warehouse_id
        return self._warehouse

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef:
        warehouse = self._warehouse_for(order)
        sale = await self._orders.create(order, key, warehouse)
        if self.settings.deliver_after_sync and order.status == "completed" and warehouse:
            await self._orders.deliver(sale.id, warehouse)
        return sale

    def list_sales(
        self, start: datetime, end: datetime | None = None
    ) -> AsyncIterator[Page[LedgerSale]]:
        """tillsync's orders of the site in the period, for reconcile (see :mod:`.reconcile`)."""
        return list_orders(self._api, self.settings.currency, start, end)

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None:
        return await self._orders.find(key)

    async def void_sale(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        return await self._orders.cancel(ref, key)

    async def write_products(self, products: Sequence[Product]) -> list[ItemResult]:
        """Shop edits of linked products (``Product.changed``); see :mod:`.writes`."""
        return await ProductWriter(self._api).write(products) if products else []

    async def write_vouchers(self, coupons: Sequence[Coupon]) -> list[ItemResult]:
        """Shop coupons as Sitoo vouchers, matched by code; see :mod:`.vouchers`."""
        return await VoucherWriter(self._api).write(coupons) if coupons else []

    async def write_categories(self, categories: Sequence[Category]) -> list[ItemResult]:
        """The shop's categories, parents first; see :mod:`.categories`."""
        return await write_categories(self._api, categories) if categories else []

    def read_vouchers(self) -> AsyncIterator[Page[Coupon]]:
        """The site's vouchers as coupons (``coupons = "pull"``); see :mod:`.vouchers`."""
        return read_vouchers(self._api)

    async def write_stock(self, levels: Sequence[StockLevel]) -> list[ItemResult]:
        if not levels:
            return []
        warehouse = levels[0].location_id or self._warehouse
        if not warehouse:
            raise ConfigError(
                "no Sitoo warehouse chosen: set [connections.<name>.backend] warehouse"
            )
        return await StockWriter(self._api).write(warehouse, levels)

    def read_orders(self, since: Cursor | None = None) -> AsyncIterator[Page[BackofficeOrder]]:
        if Capability.ORDERS_READ not in self.capabilities:
            return super().read_orders(since)
        return self._orders_in.orders(since)

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> BackofficeEvent:
        """A batch of the Events SPI (see :mod:`.events`)."""
        settings = self.settings
        return parse_events(
            headers, body, settings.events_user, settings.events_password, settings.mode,
            imports_orders=Capability.ORDERS_READ in self.capabilities,
        )  # fmt: skip


def _parents_first(by_id: dict[str, Category]) -> list[Category]:
    ordered: list[Category] = []
    seen: set[str] = set()

    def visit(category: Category, trail: frozenset[str]) -> None:
        if category.id in seen or category.id in trail:
            return
        parent = by_id.get(category.parent_id or "")
        if parent is not None:
            visit(parent, trail | {category.id})
        seen.add(category.id)
        ordered.append(category)

    for category in by_id.values():
        visit(category, frozenset())
    return ordered


def create_sitoo_backend(settings: Any) -> SitooBackend:
    """Registry factory: SitooSettings, a mapping or the validated config section."""
    return SitooBackend(SitooSettings.coerce(settings))
