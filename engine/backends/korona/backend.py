"""KoronaBackend: the Backend protocol for KORONA Cloud API v3.

Reads follow KORONA's revision feed (with deleted objects, so a product
removed in KORONA turns into a draft in the shop); the cursor is the revision
of the last row applied.  Sales go to an External POS as receipts, voids are
reversal receipts (see :mod:`.sales`).  KORONA has no stock write through a
simple call and no product write we need yet, so those capabilities are not
claimed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
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
from engine.backends.korona import catalog, requirements
from engine.backends.korona import customers as customers_wire
from engine.backends.korona.api import KoronaApi
from engine.backends.korona.check import check_connection
from engine.backends.korona.choices import POINTS_OF_SALE, WAREHOUSES, Choices
from engine.backends.korona.errors import UnknownHandle
from engine.backends.korona.ledger import list_receipts
from engine.backends.korona.prices import PriceRule
from engine.backends.korona.receipt_refs import ReceiptLookup
from engine.backends.korona.sales import ExternalPos
from engine.backends.korona.settings import KoronaSettings
from engine.backends.korona.taxbook import TaxBook
from engine.backends.korona.wire import ResultList
from engine.backends.ledger import LedgerSale
from engine.errors import ConfigError, NotFoundError, ValidationError
from engine.model import (
    Category,
    Customer,
    Location,
    LocationKind,
    Order,
    PaymentMethod,
    PriceGroup,
    Product,
    StockLevel,
    TaxCode,
)
from engine.transport import RemoteClient, RetryPolicy

__all__ = ["KoronaBackend", "create_korona_backend"]

_INCLUDE_DELETED = {"includeDeleted": "true"}


def _since(cursor: Cursor | None) -> int | None:
    if cursor is None or cursor == "":
        return None
    try:
        return int(cursor)
    except ValueError:
        raise ConfigError(f"KORONA cursor must be a revision number, got {cursor!r}") from None


def _start_cursor(rows: ResultList) -> Cursor | None:
    """The first page's ``maxRevision``: a full read may resume its changes from here.

    ``maxRevision`` is the highest revision of the data type when the first page
    was answered [V], so a row changed after that carries a greater one and a
    ``revision=`` read from it finds the change.  That a change made while the
    read runs always gets a greater number (no out-of-order commits) is
    inferred [I]; this is the most cautious revision the read can offer: a row
    changed after the first request is read again by the next changes run.
    """
    return str(rows.max_revision) if rows.max_revision is not None else None


class KoronaBackend(ApiBackend):
    """One KORONA account: catalogue, stock and receipts on an External POS."""

    name = "korona"
    capabilities = frozenset(
        {
            Capability.PRODUCTS_READ,
            Capability.CATEGORIES_READ,
            Capability.STOCK_READ,
            Capability.STOCK_READ_CHANGES_SINCE,
            Capability.SALES_CREATE,
            Capability.SALES_VOID,
            Capability.SALES_LIST,
            Capability.LOCATIONS,
            Capability.PAYMENT_METHODS,
            Capability.TAX_CODES,
            Capability.PRICE_GROUPS,
            Capability.CUSTOMERS_WRITE,
        }
    )

    def __init__(
        self,
        settings: KoronaSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self._api = KoronaApi(settings, transport=transport, retry=retry)
        self._choices = Choices(self._api)
        self._taxes = TaxBook(self._api)
        self._pos = ExternalPos(self._api, ReceiptLookup(self._api, self._choices, self._taxes))

    @property
    def client(self) -> RemoteClient:
        """The transport, for request stats and the last redacted capture."""
        return self._api.client

    @property
    def locations(self) -> Mapping[LocationKind, str]:
        """The warehouse stock is read from and the External POS receipts go to."""
        chosen = {
            LocationKind.WAREHOUSE: self._choices.warehouse,
            LocationKind.POINT_OF_SALE: self._pos.pos_id,
        }
        return {kind: handle for kind, handle in chosen.items() if handle}

    def __repr__(self) -> str:
        return f"KoronaBackend(account={self.settings.account_id!r})"

    async def check(self) -> CheckResult:
        return await check_connection(self._api, self._choices, self._pos.pos_id)

    def missing_settings(
        self, needs: Collection[Capability]
    ) -> tuple[requirements.MissingSetting, ...]:
        """The choices a job with ``needs`` cannot do without (asked before it writes)."""
        return requirements.missing_settings(self.settings, needs)

    async def setting_choices(self, key: str) -> str:
        return await requirements.setting_choices(self._api, key)

    async def _stream(
        self,
        path: str,
        convert: Callable[[Any], Any],
        since: Cursor | None = None,
        params: dict[str, str] | None = None,
        resumable: bool = True,
    ) -> AsyncIterator[Page[Any]]:
        total: int | None = None  # the first request's count; later ones count what's left
        after = _since(since)
        async for page in self._api.pages(path, after, params):
            items = tuple(convert(row) for row in page.rows.results)
            cursor = str(page.last_revision) if resumable and page.last_revision else None
            first_of_all = resumable and after is None and total is None
            start = _start_cursor(page.rows) if first_of_all else None
            total = page.rows.results_total if total is None else total
            yield Page(items, cursor, total, start_cursor=start)

    async def _price_rule(self) -> PriceRule:
        """The chosen group by uuid; sector rates only when net and gross must be converted."""
        group = await self._choices.price_group()
        convert = group.net_prices == self.settings.price_includes_tax
        rates = await self._taxes.rates_at(datetime.now(UTC)) if convert else {}
        return PriceRule(
            group.id, self.settings.currency, group.net_prices, self.settings.price_includes_tax,
            rates,
        )  # fmt: skip

    async def read_products(self, since: Cursor | None = None) -> AsyncIterator[Page[Product]]:
        """Products with the chosen price group's price; ConfigError when none is chosen."""
        prices = await self._price_rule()
        weight_key = self.settings.weight_property

        def convert(row: Any) -> Product:
            return catalog.product_from_wire(row, prices, weight_key=weight_key)

        path = self._api.path("products")
        async for page in self._stream(path, convert, since, _INCLUDE_DELETED):
            yield page

    def read_categories(self, since: Cursor | None = None) -> AsyncIterator[Page[Category]]:
        path = self._api.path("commodityGroups")
        return self._stream(path, catalog.category_from_wire, since, _INCLUDE_DELETED)

    async def read_stock(
        self, since: Cursor | None = None, location_id: str | None = None
    ) -> AsyncIterator[Page[StockLevel]]:
        """Stock rows of one org unit with a warehouse; the cursor is per unit."""
        handle = location_id or self._choices.warehouse
        if not handle:
            raise ConfigError("no KORONA warehouse selected: choose one to read stock from")
        unit = await self._api.resolve_id(WAREHOUSES, handle)

        def convert(row: Any) -> StockLevel:
            return catalog.stock_level_from_wire(row, unit)

        path = self._api.path("organizationalUnits", unit, "productStocks")
        async for page in self._stream(path, convert, since):
            yield page

    async def read_tax_codes(self, since: Cursor | None = None) -> AsyncIterator[Page[TaxCode]]:
        """Always a full read: a changed tax rate does not bump the sector's revision."""
        rows = await self._api.all_rows(self._api.path("salesTaxes"))
        taxes = {tax.id: tax for tax in map(catalog.sales_tax_from_wire, rows)}

        def convert(row: Any) -> TaxCode:
            return catalog.tax_code_from_wire(row, taxes)

        async for page in self._stream(self._api.path("sectors"), convert, resumable=False):
            yield page

    async def read_locations(self, since: Cursor | None = None) -> AsyncIterator[Page[Location]]:
        """Points of sale first (where orders go), then organizational units (stock)."""
        pos = self._stream(self._api.path("pointsOfSale"), catalog.location_from_pos, None)
        units = self._stream(
            self._api.path("organizationalUnits"), catalog.location_from_org_unit, None
        )
        for stream in (pos, units):
            async for page in stream:
                yield Page(page.items, None, None)

    def read_payment_methods(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PaymentMethod]]:
        path = self._api.path("paymentMethods")
        return self._stream(path, catalog.payment_method_from_wire, resumable=False)

    def read_price_groups(self, since: Cursor | None = None) -> AsyncIterator[Page[PriceGroup]]:
        path = self._api.path("priceGroups")
        return self._stream(path, catalog.price_group_from_wire, resumable=False)

    async def select_location(self, location_id: str, kind: LocationKind | None = None) -> Location:
        """An External POS is validated and coupled; a warehouse becomes the stock source.

        A number is looked up in the object type ``kind`` names: POS "2" and
        warehouse "2" are different objects.  Without a kind, a uuid finds
        its one object, and a number both types use is refused as ambiguous.
        """
        if kind is None:
            kind = await self._kind_of(location_id)
        if kind is LocationKind.POINT_OF_SALE:
            try:
                return await self._pos.select(location_id)
            except (NotFoundError, UnknownHandle):
                raise ConfigError(f"KORONA has no point of sale {location_id}") from None
        try:
            unit = await self._api.resolve_id(WAREHOUSES, location_id)
            data = await self._api.get(self._api.path(WAREHOUSES, unit))
        except (NotFoundError, UnknownHandle):
            raise ConfigError(f"KORONA has no warehouse {location_id}") from None
        location = catalog.location_from_org_unit(data)
        if not location.selectable:
            raise ConfigError(f"{location.name} has no warehouse and holds no stock")
        self._choices.warehouse = location.id
        return location

    async def _kind_of(self, location_id: str) -> LocationKind:
        """Which type of place ``location_id`` names; a number two types share is refused."""
        found = []
        pos = await self._read_place(POINTS_OF_SALE, location_id)
        if pos is not None:
            found.append(LocationKind.POINT_OF_SALE)
        unit = await self._read_place(WAREHOUSES, location_id)
        if unit is not None and unit.get("warehouse"):
            found.append(LocationKind.WAREHOUSE)
        if not found:
            raise ConfigError(f"KORONA has no point of sale or warehouse {location_id}")
        if len(found) > 1:
            raise ConfigError(
                f"KORONA has a point of sale and a warehouse numbered {location_id}",
                hint="Select it from the list, or give its uuid.",
            )
        return found[0]

    async def _read_place(self, collection: str, handle: str) -> dict | None:
        try:
            place_id = await self._api.resolve_id(collection, handle)
            return await self._api.get(self._api.path(collection, place_id))
        except (NotFoundError, UnknownHandle):
            return None

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef:
        return await self._pos.create(order, key)

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None:
        return await self._pos.find(key)

    async def list_sales(
        self, start: datetime, end: datetime | None = None
    ) -> AsyncIterator[Page[LedgerSale]]:
        """The External POS's receipts in the period (see :mod:`.ledger`)."""
        pos_id = await self._pos.require_pos()
        async for page in list_receipts(self._api, pos_id, start, end):
            yield page

    async def void_sale(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        return await self._pos.void(ref, key)

    async def write_customers(self, customers: Sequence[Customer]) -> list[ItemResult]:
        """Add or update customers, numbered after their WooCommerce id (idempotent)."""
        if not customers:
            return []
        body = [customers_wire.customer_to_wire(c) for c in customers]
        params = {"writeMode": "ADD_OR_UPDATE"}
        results = await self._api.write("POST", self._api.path("customers"), body, params)
        return customers_wire.results_from_wire(customers, results)

    async def write_customer(self, customer: Customer) -> str:
        (result,) = await self.write_customers([customer])
        if not result.ok:
            raise ValidationError(f"KORONA refused customer {result.ref}: {result.message}")
        return result.remote_id or result.ref


def create_korona_backend(settings: object) -> KoronaBackend:
    """Registry factory: settings as KoronaSettings, a mapping or a pydantic model."""
    return KoronaBackend(KoronaSettings.coerce(settings))
