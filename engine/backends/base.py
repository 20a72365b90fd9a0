"""The Backend protocol every back-office adapter implements.

Jobs and screens talk to every back office (a POS, an ERP, an invoicing
system) through this one protocol.  Each adapter declares what it can do in
``capabilities``; callers ask ``Capability.STOCK_WRITE in backend.capabilities``
instead of testing vendor names, and an operation an adapter lacks raises
:class:`UnsupportedCapability` (a CONFIG failure: the admin picked a job the
back office cannot do).

Reads stream :class:`Page` objects.  A page carries the cursor to persist
*after* its items were applied, so a crash mid-run re-reads at most one page
and never skips one.  Cursors are opaque text (a server revision, a
unix timestamp, a change timestamp): only the adapter interprets them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from engine.backends.budget import RequestBudget
from engine.backends.ledger import LedgerSale
from engine.backends.records import (
    BackofficeEvent,
    BackofficeSale,
    CheckItem,
    CheckResult,
    Cursor,
    DraftSale,
    IdempotencyKey,
    ItemResult,
    MissingSetting,
    Page,
    SaleRef,
    SaleState,
)
from engine.backends.sku_tool import SkuTool
from engine.errors import Capture, ConfigError, FailureKind, TillsyncError
from engine.model import (
    BackofficeCustomer,
    BackofficeOrder,
    Category,
    Coupon,
    Customer,
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
from engine.transport.stats import RequestStats

if TYPE_CHECKING:
    from engine.woo import WooClient

__all__ = [
    "Backend",
    "BackendBase",
    "BackofficeEvent",
    "Capability",
    "CheckItem",
    "CheckResult",
    "Cursor",
    "DraftSale",
    "IdempotencyKey",
    "ItemResult",
    "LedgerSale",
    "Page",
    "SaleRef",
    "SaleState",
    "UnsupportedCapability",
]


class Capability(StrEnum):
    """What a back office can do; the TUI shows or hides actions by these."""

    PRODUCTS_READ = "products.read"
    PRODUCTS_WRITE = "products.write"
    PRODUCTS_CREATE = "products.create"  # new shop products: matched by SKU, else created
    CATEGORIES_READ = "categories.read"
    CATEGORIES_WRITE = "categories.write"
    STOCK_READ = "stock.read"
    STOCK_READ_CHANGES_SINCE = "stock.read.changes_since"
    STOCK_WRITE = "stock.write"
    SALES_CREATE = "sales.create"
    SALES_VOID = "sales.void"
    SALES_REFUND = "sales.refund"  # a partial refund booked per line (refund_sale)
    CUSTOMERS_WRITE = "customers.write"
    CUSTOMERS_READ = "customers.read"  # the back office's customers, into the shop's accounts
    INVOICES_CREATE = "invoices.create"
    INVOICES_SEND = "invoices.send"
    VOUCHERS = "vouchers"
    VOUCHERS_READ = "vouchers.read"  # the back office's vouchers, as the shop's coupons
    LOCATIONS = "locations"
    PAYMENT_METHODS = "payment_methods"
    TAX_CODES = "tax_codes"
    PRICE_GROUPS = "price_groups"
    NOTIFICATIONS = "notifications"  # signs webhooks to /hooks/<connection>/backoffice
    ORDERS_READ = "orders.read"  # orders taken in the back office that the shop should hold
    SALES_LIST = "sales.list"  # the connection's booked sales in a period, for reconcile
    SALES_READ = "sales.read"  # sales made in the back office (a POS), for the shop's records
    SALES_DRAFTS = "sales.drafts"  # sales kept as drafts for short stock; listed, made final


class UnsupportedCapability(ConfigError):
    """The adapter cannot do this; a job or screen asked without checking."""

    kind = FailureKind.CONFIG

    def __init__(self, backend: str, capability: Capability) -> None:
        super().__init__(
            f"{backend} does not support {capability.value}",
            hint="This back office cannot do that; disable the job or pick another system.",
        )
        self.backend = backend
        self.capability = capability


@runtime_checkable
class Backend(Protocol):
    """A back office as the jobs see it; see module docstring for the rules."""

    name: str
    capabilities: frozenset[Capability]

    @property
    def stats(self) -> RequestStats:
        """Requests sent to the back office so far (a run row counts them)."""
        ...

    @property
    def last_capture(self) -> Capture | None:
        """The last redacted exchange, for a dead letter whose error carries none."""
        ...

    @property
    def locations(self) -> Mapping[LocationKind, str]:
        """The places this connection uses, by kind (where stock is read, where
        sales are booked), as the admin named them; a kind not chosen is absent."""
        ...

    @property
    def test_mode(self) -> bool:
        """Connected to the back office's test account (test-only tools are allowed)."""
        ...

    async def check(self) -> CheckResult: ...

    async def request_budget(self) -> RequestBudget | None:
        """What a full sync costs against the account's request quota (None: no estimate)."""
        ...

    def sku_tool(self, woo: WooClient, prefix: str) -> SkuTool | None:
        """The tool that makes the shop's SKUs acceptable here (None: any SKU goes)."""
        ...

    def missing_settings(self, needs: Collection[Capability]) -> tuple[MissingSetting, ...]:
        """The choices work needing ``needs`` cannot do without (asked before it writes)."""
        ...

    async def setting_choices(self, key: str) -> str:
        """The values the admin may pick for setting ``key``, as one line ('1 Main, 2 Web')."""
        ...

    async def setting_options(self, key: str) -> tuple[tuple[str, str], ...]:
        """The same values as (value, label) pairs, for a setting picked from what the
        back office reports (``Pick.REPORTED``); () when it reports none for ``key``."""
        ...

    #: Why the shop's variable products cannot go to this back office; the push
    #: sets each aside with it ("": they are left alone without a word).
    variable_products_refused: str

    #: Why the shop's external products (links to another shop) cannot go to this back
    #: office: set aside with it; None: pushed like plain products; "": left alone.
    external_products_refused: str | None

    async def product_ids_by_sku(self, skus: Sequence[str]) -> dict[str, str]:
        """SKU -> id of the back-office products (plain ones) holding these SKUs, to pair
        a shop variation with one of them; {} when the pairing is not wanted."""
        ...

    def read_products(self, since: Cursor | None = None) -> AsyncIterator[Page[Product]]: ...

    def read_categories(self, since: Cursor | None = None) -> AsyncIterator[Page[Category]]: ...

    def read_stock(
        self, since: Cursor | None = None, location_id: str | None = None
    ) -> AsyncIterator[Page[StockLevel]]:
        """Stock of one location (default: the configured one); cursors are per location."""
        ...

    def read_tax_codes(self, since: Cursor | None = None) -> AsyncIterator[Page[TaxCode]]: ...

    def read_locations(self, since: Cursor | None = None) -> AsyncIterator[Page[Location]]: ...

    def read_payment_methods(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PaymentMethod]]: ...

    def read_price_groups(self, since: Cursor | None = None) -> AsyncIterator[Page[PriceGroup]]: ...

    def read_orders(self, since: Cursor | None = None) -> AsyncIterator[Page[BackofficeOrder]]:
        """Orders taken in the back office that WooCommerce should hold (ship-from-store)."""
        ...

    def read_vouchers(self) -> AsyncIterator[Page[Coupon]]:
        """Every voucher, as a coupon (``backoffice_id`` set; ``problem``: why it can't be one)."""
        ...

    def list_sales(
        self, start: datetime, end: datetime | None = None
    ) -> AsyncIterator[Page[LedgerSale]]:
        """Every sale document this connection's POS, warehouse or source booked from
        ``start`` (to ``end``, exclusive; None: until now), reversals included."""
        ...

    async def select_location(self, location_id: str, kind: LocationKind | None = None) -> Location:
        """Choose where sales are booked or stock is read; ``kind`` says which type
        of place a number names (a POS and a warehouse may share one)."""
        ...

    async def list_drafts(self) -> list[DraftSale]:
        """Sales kept as drafts because stock was short when they were booked."""
        ...

    async def finalise_drafts(self, ids: Collection[str] | None = None) -> list[str]:
        """Make final the drafts whose stock is back (only those whose ``DraftSale.id``
        is in ``ids``, when given); the order numbers made final."""
        ...

    def declines(self, order: Order) -> str | None:
        """Why this back office does not take ``order`` (its settings say so), or None.

        The order is then skipped with that reason instead of booked or held.
        """
        ...

    def trigger_status(self, order: Order) -> str | None:
        """The WooCommerce status that books ``order`` when the back office's settings
        name one for its kind (a pick-up order when it is ready), or None: the
        connection's ``trigger_status``."""
        ...

    def read_sales(self, since: Cursor | None = None) -> AsyncIterator[Page[BackofficeSale]]:
        """Sales made in the back office itself (not the shop's), oldest first."""
        ...

    def read_customers(self) -> AsyncIterator[Page[BackofficeCustomer]]:
        """Every customer the back office keeps (with an e-mail), for the shop's accounts."""
        ...

    async def refund_sale(self, ref: SaleRef, refund: PartialRefund) -> SaleRef:
        """Book a partial refund of the sale ``ref``, line by line; safe to call again
        (a refund it holds already is returned, one left half-written is refused)."""
        ...

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef: ...

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None: ...

    async def void_sale(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef: ...

    async def write_products(self, products: Sequence[Product]) -> list[ItemResult]: ...

    async def write_stock(self, levels: Sequence[StockLevel]) -> list[ItemResult]: ...

    async def write_categories(self, categories: Sequence[Category]) -> list[ItemResult]:
        """The shop's categories, parents first (``parent_id``: the back office's id); an
        empty ``id`` is matched by name under the parent before it is created; one result
        per category, ``remote_id`` the back office's id."""
        ...

    async def write_vouchers(self, coupons: Sequence[Coupon]) -> list[ItemResult]:
        """Coupons as the back office's vouchers, matched by code (never a second voucher
        for a code it already has); one result per coupon, ``remote_id`` the voucher's."""
        ...

    async def write_customer(self, customer: Customer) -> str: ...

    async def write_customers(self, customers: Sequence[Customer]) -> list[ItemResult]: ...

    async def send_invoice(self, ref: SaleRef) -> None: ...

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> BackofficeEvent:
        """Verify a webhook's signature or authorization key, then parse its body.

        Raises :class:`~engine.errors.AuthError` when the check fails and
        :class:`~engine.errors.ValidationError` for a body it cannot read;
        the receiver then answers 401 / 400 and stores nothing.
        """
        ...

    async def aclose(self) -> None: ...


class BackendBase:
    """Refuses every operation; adapters subclass it and override what they support.

    This keeps "not supported" one clear error instead of AttributeError, and
    lets later adapters add capabilities without touching the jobs.
    """

    name: str = "backend"
    capabilities: frozenset[Capability] = frozenset()
    # True: the catalog job refuses to start while a tax code has no tax class
    # (engine/sync/tax_gate.py) instead of setting its products aside one by one
    tax_mapping_required: bool = False
    # True: read_stock gives each product at most one level, so a first sync may create
    # a product once its level is read instead of after the whole read (sync/shop_view.py)
    stock_read_once_per_product: bool = False
    # The capabilities the connection's directions put to work, told when the connection
    # is built (engine.sync.directions.capabilities_in_use); None: not told (an adapter
    # built on its own), so its check asks for all it may do.  Lets ``check`` ask the
    # back office only for the permissions the configured work needs.
    in_use: frozenset[Capability] | None = None
    _idle_stats: RequestStats | None = None

    @property
    def stats(self) -> RequestStats:
        """An adapter with a transport returns its client's counters; this one sent nothing."""
        if self._idle_stats is None:
            self._idle_stats = RequestStats()
        return self._idle_stats

    @property
    def last_capture(self) -> Capture | None:
        return None

    @property
    def locations(self) -> Mapping[LocationKind, str]:
        return {}

    @property
    def test_mode(self) -> bool:
        return False

    def _unsupported(self, capability: Capability) -> UnsupportedCapability:
        return UnsupportedCapability(self.name, capability)

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def check(self) -> CheckResult:
        return CheckResult((CheckItem("connection", False, "no connection test implemented"),))

    async def request_budget(self) -> RequestBudget | None:
        return None

    def sku_tool(self, woo: WooClient, prefix: str) -> SkuTool | None:
        return None

    def missing_settings(self, needs: Collection[Capability]) -> tuple[MissingSetting, ...]:
        return ()

    async def setting_choices(self, key: str) -> str:
        return ""

    async def setting_options(self, key: str) -> tuple[tuple[str, str], ...]:
        return ()

    variable_products_refused = ""
    external_products_refused: str | None = ""

    async def product_ids_by_sku(self, skus: Sequence[str]) -> dict[str, str]:
        return {}

    async def _refuse_stream(self, capability: Capability) -> AsyncIterator[Page]:
        raise self._unsupported(capability)
        yield Page(())  # pragma: no cover - makes this an async generator

    def read_products(self, since: Cursor | None = None) -> AsyncIterator[Page[Product]]:
        return self._refuse_stream(Capability.PRODUCTS_READ)

    def read_categories(self, since: Cursor | None = None) -> AsyncIterator[Page[Category]]:
        return self._refuse_stream(Capability.CATEGORIES_READ)

    def read_stock(
        self, since: Cursor | None = None, location_id: str | None = None
    ) -> AsyncIterator[Page[StockLevel]]:
        return self._refuse_stream(Capability.STOCK_READ)

    def read_tax_codes(self, since: Cursor | None = None) -> AsyncIterator[Page[TaxCode]]:
        return self._refuse_stream(Capability.TAX_CODES)

    def read_locations(self, since: Cursor | None = None) -> AsyncIterator[Page[Location]]:
        return self._refuse_stream(Capability.LOCATIONS)

    def read_payment_methods(
        self, since: Cursor | None = None
    ) -> AsyncIterator[Page[PaymentMethod]]:
        return self._refuse_stream(Capability.PAYMENT_METHODS)

    def read_price_groups(self, since: Cursor | None = None) -> AsyncIterator[Page[PriceGroup]]:
        return self._refuse_stream(Capability.PRICE_GROUPS)

    def read_orders(self, since: Cursor | None = None) -> AsyncIterator[Page[BackofficeOrder]]:
        return self._refuse_stream(Capability.ORDERS_READ)

    def read_vouchers(self) -> AsyncIterator[Page[Coupon]]:
        return self._refuse_stream(Capability.VOUCHERS_READ)

    def list_sales(
        self, start: datetime, end: datetime | None = None
    ) -> AsyncIterator[Page[LedgerSale]]:
        return self._refuse_stream(Capability.SALES_LIST)

    async def select_location(self, location_id: str, kind: LocationKind | None = None) -> Location:
        raise self._unsupported(Capability.LOCATIONS)

    async def list_drafts(self) -> list[DraftSale]:
        raise self._unsupported(Capability.SALES_DRAFTS)

    async def finalise_drafts(self, ids: Collection[str] | None = None) -> list[str]:
        raise self._unsupported(Capability.SALES_DRAFTS)

    def read_sales(self, since: Cursor | None = None) -> AsyncIterator[Page[BackofficeSale]]:
        return self._refuse_stream(Capability.SALES_READ)

    def read_customers(self) -> AsyncIterator[Page[BackofficeCustomer]]:
        return self._refuse_stream(Capability.CUSTOMERS_READ)

    async def refund_sale(self, ref: SaleRef, refund: PartialRefund) -> SaleRef:
        raise self._unsupported(Capability.SALES_REFUND)

    def declines(self, order: Order) -> str | None:
        return None

    def trigger_status(self, order: Order) -> str | None:
        return None

    async def create_sale(self, order: Order, key: IdempotencyKey) -> SaleRef:
        raise self._unsupported(Capability.SALES_CREATE)

    async def find_sale(self, key: IdempotencyKey) -> SaleRef | None:
        raise self._unsupported(Capability.SALES_CREATE)

    async def void_sale(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        raise self._unsupported(Capability.SALES_VOID)

    async def write_products(self, products: Sequence[Product]) -> list[ItemResult]:
        raise self._unsupported(Capability.PRODUCTS_WRITE)

    async def write_stock(self, levels: Sequence[StockLevel]) -> list[ItemResult]:
        raise self._unsupported(Capability.STOCK_WRITE)

    async def write_categories(self, categories: Sequence[Category]) -> list[ItemResult]:
        raise self._unsupported(Capability.CATEGORIES_WRITE)

    async def write_vouchers(self, coupons: Sequence[Coupon]) -> list[ItemResult]:
        raise self._unsupported(Capability.VOUCHERS)

    async def write_customer(self, customer: Customer) -> str:
        raise self._unsupported(Capability.CUSTOMERS_WRITE)

    async def write_customers(self, customers: Sequence[Customer]) -> list[ItemResult]:
        """Batch form; adapters without a batch call write one at a time."""
        results = []
        for customer in customers:
            try:
                results.append(
                    ItemResult(customer.email, True, await self.write_customer(customer))
                )
            except UnsupportedCapability:
                raise
            except TillsyncError as error:
                results.append(ItemResult(customer.email, False, message=error.message))
        return results

    async def send_invoice(self, ref: SaleRef) -> None:
        raise self._unsupported(Capability.INVOICES_SEND)

    async def parse_notification(self, headers: Mapping[str, str], body: bytes) -> BackofficeEvent:
        raise self._unsupported(Capability.NOTIFICATIONS)

    async def aclose(self) -> None:
        return None
