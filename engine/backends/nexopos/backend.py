"""Nexopos adapter: the Backend protocol for NexoPOS 6.x (written against 6.2.1).

NexoPOS has no change feed [V], so catalogue and stock are a *cheap full
read*: two CRUD namespaces paged at ``page_size`` rows (``ns.products`` and
``ns.products-units``) plus one plain list for categories, paced under the
80/min throttle.  Every read has no resumable cursor; the engine's per-link
hash makes an unchanged product cost no write.  Orders: see :mod:`.sales`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from datetime import datetime

import httpx

from engine.backends.api_base import ApiBackend
from engine.backends.base import (
    Capability,
    CheckResult,
    Cursor,
    IdempotencyKey,
    ItemResult,
    MissingSetting,
    Page,
    SaleRef,
)
from engine.backends.ledger import LedgerSale
from engine.backends.nexopos import catalog, check, customers, pairing
from engine.backends.nexopos.api import NexoApi
from engine.backends.nexopos.full_read import FullRead
from engine.backends.nexopos.product_edits import ProductEdits
from engine.backends.nexopos.reconcile import list_orders
from engine.backends.nexopos.sales import OrderDesk
from engine.backends.nexopos.settings import PRICE_TIERS, NexoSettings
from engine.backends.nexopos.till_sales import read_till_sales
from engine.backends.records import BackofficeSale
from engine.model import (
    BackofficeCustomer,
    Category,
    Customer,
    LocationKind,
    Order,
    PartialRefund,
    PaymentMethod,
    PriceGroup,
    Product,
    StockLevel,
    TaxCode,
)
from engine.transport import RetryPolicy

__all__ = ["NexoposBackend", "create_nexopos_backend"]


class NexoposBackend(ApiBackend):
    """One NexoPOS store: catalogue, stock, orders with void or refund."""

    name = "nexopos"
    capabilities = frozenset(
        {
            Capability.PRODUCTS_READ,
            Capability.CATEGORIES_READ,
            Capability.STOCK_READ,
            Capability.SALES_CREATE,
            Capability.SALES_VOID,
            Capability.PAYMENT_METHODS,
            Capability.TAX_CODES,
            Capability.PRICE_GROUPS,
            Capability.CUSTOMERS_WRITE,
            Capability.CUSTOMERS_READ,
            Capability.PRODUCTS_WRITE,
            Capability.PRODUCTS_CREATE,
            Capability.SALES_READ,
            Capability.SALES_LIST,
        }
    )

    def __init__(
        self,
        settings: NexoSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self._api = NexoApi(settings, transport=transport, retry=retry)
        self._orders = OrderDesk(self._api)
        if settings.cancel_action == "refund":  # partial refunds are refunds, never voids
            self.capabilities = type(self).capabilities | {Capability.SALES_REFUND}
        self._edits = ProductEdits(self._api)

    variable_products_refused = pairing.VARIABLE_REFUSED

    @property
    def locations(self) -> Mapping[LocationKind, str]:
        return {LocationKind.WAREHOUSE: catalog.STORE_LOCATION}

    def __repr__(self) -> str:
        return f"NexoposBackend(url={self.settings.base_url!r})"

    async def check(self) -> CheckResult:
        return await check.check_connection(self._api, self.in_use)

    def missing_settings(self, needs: Collection[Capability]) -> tuple[MissingSetting, ...]:
        return check.missing_settings(self.settings, needs)

    async def setting_choices(self, key: str) -> str:
        return await check.setting_choices(self._api, key)

    async def setting_options(self, key: str) -> tuple[tuple[str, str], ...]:
        """What NexoPOS reports for a default (categories, units, groups, users, …)."""
        return await check.setting_options(self._api, key)

    async def product_ids_by_sku(self, skus: Sequence[str]) -> dict[str, str]:
        """Plain NexoPOS products holding a shop variation's SKU (see :mod:`.pairing`)."""
        return await pairing.product_ids_by_sku(self._api, skus)

    def read_products(self, since: Cursor | None = None) -> AsyncIterator[Page[Product]]:
        """Every product, variable ones with their variations (see :mod:`.full_read`)."""
        return FullRead(self._api).product_pages()

    async def read_categories(self, since: Cursor | None = None) -> AsyncIterator[Page[Category]]:
        """All of them, with their parents, in one unpaginated request [V]: no cap."""
        rows = await self._api.get("categories")
        yield Page(tuple(catalog.category_from_wire(r) for r in rows or []), None, len(rows or []))

    def read_stock(
        self, since: Cursor | None = None, location_id: str | None = None
    ) -> AsyncIterator[Page[StockLevel]]:
        """The configured unit's quantity of every product and variation (one store)."""
        return FullRead(self._api).stock_pages()

    async def read_tax_codes(self, since: Cursor | None = None) -> AsyncIterator[Page[TaxCode]]:
        rows = await self._api.get("taxes/groups")
        yield Page(tuple(catalog.tax_code_from_wire(r) for r in rows or []))

    async def read_payment_methods(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PaymentMethod]]:
        yield Page(tuple(catalog.payment_methods_from_wire(await self._api.get("orders/payments"))))

    async def read_price_groups(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PriceGroup]]:
        """The three fixed price tiers of every unit [V: columns]."""
        net = not self.settings.price_includes_tax
        yield Page(
            tuple(PriceGroup(t, f"{t} price", self.settings.currency, net) for t in PRICE_TIERS)
        )

    def read_sales(self, since: Cursor | None = None) -> AsyncIterator[Page[BackofficeSale]]:
        """Sales rung up at the till (not the shop's own orders), after the cursor."""
        return read_till_sales(self._api, since)

    def list_sales(
        self, start: datetime, end: datetime | None = None
    ) -> AsyncIterator[Page[LedgerSale]]:
        """Orders created in the period, for reconcile (see :mod:`.reconcile`)."""
        return list_orders(self._api, start, end)

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef:
        return await self._orders.create(order, key)

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None:
        return await self._orders.find(key.for_sale())

    async def void_sale(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        return await self._orders.void(ref, key)

    async def refund_sale(self, ref: SaleRef, refund: PartialRefund) -> SaleRef:
        """A WooCommerce refund of some lines, per line (with ``cancel_action = "refund"``)."""
        return await self._orders.refund(ref, refund)

    async def write_products(self, products: Sequence[Product]) -> list[ItemResult]:
        """The shop's edits of linked products (name, price, description), whole forms;
        new shop products matched by SKU, else created (see :mod:`.product_creates`)."""
        return await self._edits.write(products)

    def read_customers(self) -> AsyncIterator[Page[BackofficeCustomer]]:
        """NexoPOS's customers for the shop's accounts (``customers = "pull"``/``"both"``)."""
        return customers.read_customers(self._api)

    async def write_customer(self, customer: Customer) -> str:
        """Matched by e-mail; a new one joins ``customer_group_id``; an administrator's
        e-mail is refused with that reason (a failed item, never a crash)."""
        return str(await customers.upsert(self._orders.customers, self._api, customer))


def create_nexopos_backend(settings: object) -> NexoposBackend:
    """Registry factory: settings as NexoSettings, a mapping or a pydantic model."""
    return NexoposBackend(NexoSettings.coerce(settings))
