"""AurposBackend: the Backend protocol for AurPOS through the Ultimate POS Connector API.

Catalogue out (products of the chosen location with prices, stock per
location, two-level categories, tax rates), orders in as sells (drafts when
stock is short; see :mod:`.sells`).  There is no change feed [V]: every read
is full, and the catalog job's stored field hashes find what changed, so
pages carry no cursor.  Products and stock cannot be written [V].
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from engine.backends.aurpos import catalog
from engine.backends.aurpos.api import AurposApi, unwrap
from engine.backends.aurpos.check import check_connection, listed
from engine.backends.aurpos.contacts import ContactBook
from engine.backends.aurpos.reconcile import list_sells
from engine.backends.aurpos.returns import SellReturnDesk
from engine.backends.aurpos.sells import SellDesk
from engine.backends.aurpos.settings import AurposSettings
from engine.backends.base import (
    BackendBase,
    Capability,
    CheckResult,
    Cursor,
    DraftSale,
    IdempotencyKey,
    Page,
    SaleRef,
)
from engine.backends.ledger import LedgerSale
from engine.backends.records import MissingSetting
from engine.errors import Capture, ConfigError
from engine.model import (
    Category,
    Location,
    LocationKind,
    Order,
    PartialRefund,
    PaymentMethod,
    PriceGroup,
    Product,
    StockLevel,
    TaxCode,
)
from engine.transport import RequestStats, RetryPolicy

__all__ = ["AurposBackend", "create_aurpos_backend"]

_NEEDED = {
    "location": ((Capability.PRODUCTS_READ, Capability.STOCK_READ, Capability.SALES_CREATE),
                 "reading the location's products and stock, and booking orders"),
}  # fmt: skip


class AurposBackend(BackendBase):
    """One Ultimate POS business, as AurPOS exposes it."""

    name = "aurpos"
    capabilities = frozenset({
        Capability.PRODUCTS_READ, Capability.CATEGORIES_READ, Capability.STOCK_READ,
        Capability.SALES_CREATE, Capability.SALES_VOID, Capability.SALES_REFUND,
        Capability.LOCATIONS,
        Capability.PAYMENT_METHODS, Capability.TAX_CODES, Capability.PRICE_GROUPS,
        Capability.SALES_LIST, Capability.SALES_DRAFTS,
    })  # fmt: skip
    tax_mapping_required = True  # the issue: no sync before every tax rate is mapped

    def __init__(
        self,
        settings: AurposSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self._api = AurposApi(settings, transport=transport, retry=retry)
        self._sells = SellDesk(self._api, ContactBook(self._api))
        self._returns = SellReturnDesk(self._api, self._sells.products)
        self._idle = RequestStats()

    def __repr__(self) -> str:
        return f"AurposBackend(host={self.settings.host!r})"

    @property
    def stats(self) -> RequestStats:
        return self._api.stats or self._idle

    @property
    def last_capture(self) -> Capture | None:
        return self._api.last_capture

    @property
    def locations(self) -> Mapping[LocationKind, str]:
        location = self._api.settings.location
        if not location:
            return {}
        return {LocationKind.WAREHOUSE: location, LocationKind.POINT_OF_SALE: location}

    @property
    def token_grants(self) -> int:
        """OAuth tokens obtained so far (a refresh counts)."""
        return self._api.token_grants

    async def check(self) -> CheckResult:
        return await check_connection(self._api)

    def missing_settings(self, needs: Collection[Capability]) -> tuple[MissingSetting, ...]:
        if self._api.settings.location:
            return ()
        caps, purpose = _NEEDED["location"]
        return (MissingSetting("location", purpose),) if set(caps) & set(needs) else ()

    async def setting_choices(self, key: str) -> str:
        if key == "location":
            return listed(await self._api.all_rows("business-location"))
        if key == "price_group":
            rows = unwrap(await self._api.get("selling-price-group"))
            return listed(rows if isinstance(rows, list) else [])
        return ""

    def _location(self) -> str:
        location = self._api.settings.location
        if not location:
            raise ConfigError("no AurPOS business location chosen: pick one to read products from")
        return location

    def _price_rule(self) -> catalog.PriceRule:
        s = self.settings
        return catalog.PriceRule(s.currency, s.prices_include_tax, s.price_group)

    async def _product_rows(self) -> AsyncIterator[list[dict]]:
        params = {"location_id": self._location()}
        if self.settings.price_group:
            params["selling_price_group"] = "1"
        async for rows in self._api.rows("product", params):
            yield rows

    async def read_products(self, since: Cursor | None = None) -> AsyncIterator[Page[Product]]:
        """Every product of the location (no change feed); an unsellable one carries its
        ``problem`` and the catalog job sets it aside with that reason."""
        rule = self._price_rule()
        async for rows in self._product_rows():
            items = []
            for row in rows:
                product, problem = catalog.product_from_wire(row, rule)
                items.append(replace(product, problem=problem) if problem else product)
            yield Page(tuple(items))

    async def read_categories(self, since: Cursor | None = None) -> AsyncIterator[Page[Category]]:
        rows = await self._api.all_rows("taxonomy", {"type": "product"})
        yield Page(tuple(catalog.categories_from_wire(rows)))

    async def read_stock(
        self, since: Cursor | None = None, location_id: str | None = None
    ) -> AsyncIterator[Page[StockLevel]]:
        location = location_id or self._location()
        async for rows in self._api.rows("product", {"location_id": location}):
            levels = [level for row in rows for level in catalog.stock_from_wire(row, location)]
            yield Page(tuple(levels))

    async def read_tax_codes(self, since: Cursor | None = None) -> AsyncIterator[Page[TaxCode]]:
        rows = await self._api.all_rows("tax")
        yield Page(tuple(catalog.tax_code_from_wire(r) for r in rows))

    async def read_locations(self, since: Cursor | None = None) -> AsyncIterator[Page[Location]]:
        rows = await self._api.all_rows("business-location")
        yield Page(tuple(catalog.location_from_wire(r) for r in rows))

    async def read_payment_methods(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PaymentMethod]]:
        yield Page(catalog.PAYMENT_METHODS)

    async def read_price_groups(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PriceGroup]]:
        rows = unwrap(await self._api.get("selling-price-group"))
        yield Page(tuple(catalog.price_group_from_wire(r) for r in rows if isinstance(r, dict)))

    async def select_location(self, location_id: str, kind: LocationKind | None = None) -> Location:
        """Products, stock and sells all belong to one business location."""
        rows = await self._api.all_rows("business-location")
        match = next((r for r in rows if str(r.get("id")) == str(location_id)), None)
        if match is None:
            raise ConfigError(
                f"AurPOS location {location_id} is not one this user may use ({listed(rows)})"
            )
        self._api.settings = _with_location(self._api.settings, str(location_id))
        self.settings = self._api.settings
        return catalog.location_from_wire(match)

    def list_sales(
        self, start: datetime, end: datetime | None = None
    ) -> AsyncIterator[Page[LedgerSale]]:
        """tillsync's sells at the location in the period, for reconcile (see :mod:`.reconcile`)."""
        return list_sells(self._api, self._sells.location, start, end)

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef:
        return await self._sells.create(order, key)

    async def refund_sale(self, ref: SaleRef, refund: PartialRefund) -> SaleRef:
        """A WooCommerce refund of some lines: a sell return of those lines (see .returns)."""
        return await self._returns.book(ref, refund)

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None:
        return await self._sells.find(key)

    async def void_sale(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        return await self._sells.void(ref, key)

    @property
    def last_round_off(self) -> Decimal | None:
        """The round-off of the last sell posted (shown to the admin in its staff note)."""
        plan = self._sells.last_plan
        return plan.round_off if plan else None

    async def drafts(self) -> list[dict[str, Any]]:
        """Sells kept as drafts because stock was short (the console's list)."""
        return [dict(row) for row in await self._sells.drafts()]

    async def list_drafts(self) -> list[DraftSale]:
        """The out-of-stock drafts as the engine's records, each saying what is short now."""
        return await self._sells.draft_records()

    async def finalise_drafts(self, ids: Collection[str] | None = None) -> list[str]:
        """Make final the out-of-stock drafts (of ``ids`` when given) whose stock is back;
        their invoice numbers."""
        return await self._sells.finalise(ids)

    async def aclose(self) -> None:
        await self._api.aclose()


def _with_location(settings: AurposSettings, location: str) -> AurposSettings:
    return replace(settings, location=location)


def create_aurpos_backend(settings: object) -> AurposBackend:
    """Registry factory: settings as AurposSettings, a mapping or a pydantic model."""
    return AurposBackend(AurposSettings.coerce(settings))
