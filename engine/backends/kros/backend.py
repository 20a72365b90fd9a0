"""KrosBackend: the Backend protocol for KROS Fakturácia + Sklad (one company).

Reads stock cards into products and stock; books orders as documents that
KROS confirms later (202 → webhook or look-up); credits cancelled invoices;
checks and parses KROS's signed notifications.  What the reference marks
inferred is isolated in catalog.py, documents.py and notifications.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import aclosing
from datetime import datetime, timedelta
from decimal import Decimal

import httpx

from engine.backends.api_base import ApiBackend
from engine.backends.base import (
    BackofficeEvent,
    Capability,
    CheckResult,
    Cursor,
    IdempotencyKey,
    MissingSetting,
    Page,
    SaleRef,
)
from engine.backends.kros import catalog
from engine.backends.kros.api import KrosApi
from engine.backends.kros.card_pass import CardPasses
from engine.backends.kros.check import check_connection, sequence_choices
from engine.backends.kros.notifications import parse_notification
from engine.backends.kros.rates import RateBook
from engine.backends.kros.reconcile import list_documents
from engine.backends.kros.sales import KrosDocuments
from engine.backends.kros.settings import KrosSettings
from engine.backends.ledger import LedgerSale
from engine.errors import ConfigError
from engine.model import Location, LocationKind, Order, Product, StockLevel, TaxCode
from engine.transport import RetryPolicy

__all__ = ["KrosBackend", "create_kros_backend"]

# KROS's clocks and ours may differ: re-read five minutes before the cursor [3P KD]
_OVERLAP = timedelta(minutes=5)


def _since(cursor: Cursor | None) -> str | None:
    if not cursor:
        return None
    try:
        moment = datetime.fromisoformat(cursor) - _OVERLAP
    except ValueError:
        raise ConfigError(f"KROS cursor must be a timestamp, got {cursor!r}") from None
    return moment.isoformat(timespec="seconds")


class KrosBackend(ApiBackend):
    name = "kros"
    # read_stock gives one level per card, so a first sync may use a level once it is read
    stock_read_once_per_product = True
    capabilities = frozenset(
        {
            Capability.PRODUCTS_READ,
            Capability.STOCK_READ,
            Capability.TAX_CODES,
            Capability.LOCATIONS,
            Capability.SALES_CREATE,
            Capability.SALES_VOID,
            Capability.INVOICES_CREATE,
            Capability.INVOICES_SEND,
            Capability.NOTIFICATIONS,
            Capability.SALES_LIST,
        }
    )

    def __init__(
        self,
        settings: KrosSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        void_wait: float = 10.0,
    ) -> None:
        self.settings = settings
        self._api = KrosApi(settings, transport=transport, retry=retry)
        url = settings.ecb_url if settings.base_currency == "EUR" else settings.cnb_url
        self.rates = RateBook(settings.base_currency, url, transport=transport)
        self._documents = KrosDocuments(self._api, settings, self.rates, void_wait)
        self._warehouse = settings.warehouse
        self._passes = CardPasses()

    @property
    def locations(self) -> Mapping[LocationKind, str]:
        return {LocationKind.WAREHOUSE: self._warehouse} if self._warehouse else {}

    def __repr__(self) -> str:
        return f"KrosBackend(base_url={self.settings.base_url!r})"

    async def check(self) -> CheckResult:
        return await check_connection(self._api)

    def missing_settings(self, needs: Collection[Capability]) -> tuple[MissingSetting, ...]:
        if Capability.SALES_CREATE in needs and not self.settings.numbering_sequence:
            return (MissingSetting("numbering_sequence", "numbering the orders' documents"),)
        return ()

    async def setting_choices(self, key: str) -> str:
        if key != "numbering_sequence":
            return ""
        choices = await sequence_choices(self._api, self.settings.document)
        return ", ".join(f"{code} {name}".strip() for code, name in choices)

    def _card_query(self, since: Cursor | None) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.settings.only_marked_for_eshop:
            params["OnlyMarkedForEshop"] = "true"
        if (start := _since(since)) is not None and self.settings.catalog_reads == "changed":
            params["CatalogItemChangedTimestamp"] = start
        return params

    async def _cards(
        self, since: Cursor | None, purpose: str
    ) -> AsyncIterator[tuple[list[dict], str | None]]:
        """Pages of stock cards and, on the last page only, the newest change seen.

        Skip paging is by position, not by time: a cursor saved after an
        early page could skip cards on a later one, so only the end saves it.
        Readers of different purposes that start together (a first catalog
        run's stock snapshot and products) share one read (:mod:`.card_pass`).
        """
        params = self._card_query(since)

        async def fetch(skip: int) -> list[dict]:
            return await self._api.page("catalog-items", params, skip)

        newest = since or ""
        pending: list[dict] | None = None
        pages = self._passes.read(params, purpose, fetch, self.settings.page_size)
        async with aclosing(pages):
            async for rows in pages:
                if pending is not None:
                    yield pending, None
                stamps = [str(r.get("catalogItemChangedTimestamp") or "") for r in rows]
                newest = max([newest, *stamps])
                pending = rows
        yield pending or [], newest or None

    async def read_products(self, since: Cursor | None = None) -> AsyncIterator[Page[Product]]:
        gross, currency = self.settings.price_includes_tax, self.settings.base_currency
        async for rows, cursor in self._cards(since, "products"):
            products = (catalog.product_from_wire(r, currency, gross) for r in rows)
            yield Page(tuple(p for p in products if p is not None), cursor)

    async def read_stock(
        self, since: Cursor | None = None, location_id: str | None = None
    ) -> AsyncIterator[Page[StockLevel]]:
        """Always all cards: whether a stock-only change bumps the card is unknown [I]."""
        warehouse = location_id or self._warehouse
        if warehouse == catalog.ALL_WAREHOUSES:
            warehouse = None
        async for rows, _ in self._cards(None, "stock"):
            levels = (catalog.stock_from_wire(r, warehouse) for r in rows)
            yield Page(tuple(level for level in levels if level is not None))

    async def read_tax_codes(self, since: Cursor | None = None) -> AsyncIterator[Page[TaxCode]]:
        """The VAT rates the stock cards use (KROS has no list of them we know of)."""
        codes: dict[str, TaxCode] = {}
        async for rows, _ in self._cards(None, "tax_codes"):
            for row in rows:
                product = catalog.product_from_wire(row, self.settings.base_currency)
                if product is not None and product.tax_code_id is not None:
                    codes[product.tax_code_id] = TaxCode(
                        product.tax_code_id, product.tax_code_name, Decimal(product.tax_code_id)
                    )
        yield Page(tuple(sorted(codes.values(), key=lambda c: c.rate or 0)))

    async def read_locations(self, since: Cursor | None = None) -> AsyncIterator[Page[Location]]:
        rows = await self._api.all_rows("warehouses")
        places = (catalog.location_from_wire(r) for r in rows)
        yield Page(tuple(p for p in places if p is not None))

    async def select_location(self, location_id: str, kind: LocationKind | None = None) -> Location:
        async for page in self.read_locations():
            for place in page.items:
                if place.id == location_id:
                    self._warehouse = place.id
                    return place
        raise ConfigError(f"KROS has no warehouse {location_id}")

    def list_sales(
        self, start: datetime, end: datetime | None = None
    ) -> AsyncIterator[Page[LedgerSale]]:
        """tillsync's documents issued in the period, for reconcile (see :mod:`.reconcile`)."""
        return list_documents(self._api, self.settings, start, end)

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef:
        return await self._documents.create(order, key)

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None:
        return await self._documents.find(key)

    async def void_sale(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        return await self._documents.void(ref, key)

    async def send_invoice(self, ref: SaleRef) -> None:
        """KROS e-mails the document when it is created (``delivery = "email"``)."""
        if self.settings.delivery != "email":
            raise ConfigError('KROS e-mails documents only with delivery = "email"')

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> BackofficeEvent:
        return parse_notification(headers, body, self.settings.webhook_secret)

    async def aclose(self) -> None:
        await super().aclose()
        await self.rates.aclose()


def create_kros_backend(settings: object) -> KrosBackend:
    return KrosBackend(KrosSettings.coerce(settings))
