"""Canonical records that travel between back offices, WooCommerce and jobs.

Every adapter translates its wire format into these frozen dataclasses and
back, so the jobs never see a vendor's dict.  Money is ``Decimal`` with an
explicit currency from the wire to the wire; floats never hold an amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "BackofficeCustomer",
    "BackofficeOrder",
    "Category",
    "Coupon",
    "CouponLine",
    "Customer",
    "ExchangeRate",
    "Location",
    "LocationKind",
    "Money",
    "Order",
    "OrderLine",
    "PartialRefund",
    "Payment",
    "PaymentMethod",
    "PriceGroup",
    "Product",
    "RefundLine",
    "StockLevel",
    "TaxCode",
    "Variant",
    "minor_places",
]

# ISO 4217 currencies whose smallest unit is not the hundredth; every other code has 2.
_MINOR_PLACES = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
         "VND", "VUV", "XAF", "XOF", "XPF"),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4,
    "UYW": 4,
}  # fmt: skip


def minor_places(currency: str) -> int:
    """Decimal places of the currency's smallest unit (ISO 4217): JPY 0, EUR 2, KWD 3.

    Totals reconcile "to the cent" only where a cent is the smallest unit: a
    Kuwaiti shop charges fils (0.001 KWD), and rounding its lines to 0.01
    would book a receipt that differs from what the customer paid.
    """
    return _MINOR_PLACES.get(currency.upper(), 2)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in one currency. Arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money.amount must be Decimal, got {type(self.amount).__name__}")
        if len(self.currency) != 3:
            raise ValueError(f"currency must be an ISO-4217 code, got {self.currency!r}")

    @classmethod
    def of(cls, value: str | int | Decimal, currency: str) -> Money:
        return cls(Decimal(str(value)), currency.upper())

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * Decimal(factor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def quantize(self, places: int = 2, rounding: str = ROUND_HALF_UP) -> Money:
        """Round explicitly; callers name the rounding the back office uses."""
        return Money(self.amount.quantize(Decimal(1).scaleb(-places), rounding), self.currency)

    def to_minor(self, rounding: str = ROUND_HALF_UP) -> Money:
        """Rounded to the currency's smallest unit (cents, yen, fils)."""
        return self.quantize(minor_places(self.currency), rounding)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True)
class TaxCode:
    """A back-office tax bucket (a POS sector, an ERP VAT rate) and its rate."""

    id: str
    name: str
    rate: Decimal | None = None
    included: bool = True


@dataclass(frozen=True)
class Category:
    """A product category; ``parent_id`` points at another back-office category."""

    id: str
    name: str
    parent_id: str | None = None
    number: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Variant:
    """One sellable variation of a variable product (a size, a colour).

    ``id`` is the back office's id of the variant: its stock is read as
    ``StockLevel(product_id=variant.id)`` and an order line for it books
    ``OrderLine.backoffice_product_id = variant.id``.  ``sku`` pairs it with
    its WooCommerce variation; ``attributes`` are (name, value) pairs such as
    ``(("Size", "M"),)``.  ``price`` and ``weight`` only when they differ
    from the product's.
    """

    id: str
    sku: str
    attributes: tuple[tuple[str, str], ...] = ()
    price: Money | None = None
    weight: Decimal | None = None
    active: bool = True


@dataclass(frozen=True)
class Product:
    """A back-office product as WooCommerce should show it.

    ``sku`` is the back-office article number used to match WooCommerce
    products; ``codes`` are barcodes.  ``active`` false means deactivated in
    the back office: the job sets it to draft, never deletes it.
    """

    id: str
    sku: str
    name: str
    price: Money | None = None
    description: str = ""
    short_description: str = ""
    tax_code_id: str | None = None
    tax_code_name: str = ""  # as the back office shows it (e.g. a sector's name)
    category_ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    weight: Decimal | None = None
    image_urls: tuple[str, ...] = ()
    active: bool = True
    track_stock: bool = True
    variants: tuple[Variant, ...] = ()
    revision: int | None = None
    manufacturer: str = ""  # who makes it (a POS's manufacturer field)
    brand: str = ""  # the name it is sold under, when the back office keeps one apart
    # Set on a record the engine pushes to a back office (``write_products``):
    # the fields changed in WooCommerce, by their names here ("name", "price",
    # "description", "short_description", "weight"); the adapter updates only
    # those.  Empty: a complete record (a new product) - write all of it.
    changed: frozenset[str] = frozenset()
    # A new shop product's stock (a complete record pushed for creation, when the shop
    # manages its stock): the back office starts it there instead of at zero.
    quantity: Decimal | None = None
    # Why the back office's record can't be published as it stands (a price
    # it can't read, an unknown VAT group), said by the adapter: the catalog
    # job sets the product aside with this reason and the rest goes on.
    problem: str = ""


@dataclass(frozen=True)
class StockLevel:
    """On-hand quantity of one product at one location, as read from the back office."""

    product_id: str
    location_id: str
    quantity: Decimal
    sku: str | None = None
    revision: int | None = None


class LocationKind(StrEnum):
    POINT_OF_SALE = "point_of_sale"
    WAREHOUSE = "warehouse"
    BRANCH = "branch"


@dataclass(frozen=True)
class Location:
    """A place stock lives or sales are booked: POS, warehouse, branch.

    ``selectable`` says whether tillsync may book sales there (for a POS,
    only External POS devices may be coupled).
    """

    id: str
    name: str
    kind: LocationKind
    selectable: bool = True
    detail: str = ""


@dataclass(frozen=True)
class PaymentMethod:
    """A back-office payment method; ``number`` is the short handle its UI shows, if any
    (a back office may accept it as well as the id, so mappings may use either)."""

    id: str
    name: str
    number: str | None = None


@dataclass(frozen=True)
class PriceGroup:
    """A back-office price list (a price group, a price list, a price tier).

    The admin picks which one is the shop price; ``net_prices`` says whether its
    values exclude tax, which decides how WooCommerce must be told the price.
    """

    id: str
    name: str
    currency: str | None = None
    net_prices: bool = False
    active: bool = True


@dataclass(frozen=True)
class Customer:
    email: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    postcode: str = ""
    state: str = ""
    country: str = ""
    woo_id: int | None = None
    # a business buyer, as an invoice names it (ERPs): company register number
    # (IČO), VAT id (IČ DPH, "SK2020…") and tax id (DIČ); empty for a consumer
    registration_number: str = ""
    vat_id: str = ""
    tax_id: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class RefundLine:
    """One refunded line: the article, how many, and the gross amount given back."""

    sku: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PartialRefund:
    """A WooCommerce refund of some lines of a booked order (``woo_id``: the refund's id)."""

    woo_id: int
    order_woo_id: int
    lines: tuple[RefundLine, ...]
    reason: str = ""


@dataclass(frozen=True)
class BackofficeCustomer:
    """A customer as the back office keeps it (``id``: its id there), for the shop."""

    id: str
    customer: Customer


@dataclass(frozen=True)
class OrderLine:
    """One order line; ``total`` and ``tax`` are after discounts, as WooCommerce reports."""

    sku: str
    name: str
    quantity: Decimal
    unit_price: Money
    total: Money
    tax: Money
    tax_class: str = ""
    woo_product_id: int | None = None
    backoffice_product_id: str | None = None
    # The tax rate in percent WooCommerce applied (its tax_lines[].rate_percent);
    # None when the order does not say. Never recomputed from the rounded amounts.
    tax_rate: Decimal | None = None


@dataclass(frozen=True)
class Payment:
    """``backoffice_method_id`` is the admin's mapping of the gateway, resolved by the
    orders job (like ``OrderLine.backoffice_product_id``); adapters prefer it."""

    method_id: str  # WooCommerce gateway id
    title: str
    amount: Money
    transaction_id: str = ""
    backoffice_method_id: str | None = None


@dataclass(frozen=True)
class CouponLine:
    """A coupon used on an order (a voucher in some POS): what it took off, and its tax.

    The amounts are already in the lines' totals (WooCommerce reports lines
    after discounts); a back office that books vouchers apart reads them here.
    """

    code: str
    discount: Money
    discount_tax: Money


@dataclass(frozen=True)
class ExchangeRate:
    """What one unit of the order's currency was worth in ``base_currency``.

    ``source`` says where the number came from (an order meta key a
    currency plugin wrote, a bank's daily fix), because an invoice in a
    foreign currency must name it (invoicing ERPs).
    """

    rate: Decimal
    base_currency: str
    source: str
    as_of: datetime | None = None


@dataclass(frozen=True)
class Order:
    """A WooCommerce order as the back office should book it.

    ``trigger_gmt`` is when the order reached the status that books it (its
    ``date_paid`` or ``date_completed``): the sale's booking time, which the
    creation time is not.  None when WooCommerce does not say.
    """

    woo_id: int
    number: str
    status: str
    currency: str
    customer: Customer
    lines: tuple[OrderLine, ...]
    payment: Payment
    shipping: Money
    shipping_tax: Money
    discount: Money
    total: Money
    total_tax: Money
    prices_include_tax: bool
    modified_gmt: datetime
    created_gmt: datetime | None = None
    note: str = ""
    fees: tuple[OrderLine, ...] = field(default=())
    trigger_gmt: datetime | None = None
    coupons: tuple[CouponLine, ...] = ()
    exchange_rate: ExchangeRate | None = None  # None: the order's currency is the books'
    # WooCommerce's shipping_lines[].method_id ("flat_rate", "local_pickup"):
    # a back office that books pick-up orders apart (Click & Collect) reads it
    shipping_methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackofficeOrder:
    """An order taken in the back office that WooCommerce should hold too
    (a POS's ship-from-store order), created there once, keyed by ``id``.

    ``status`` is the WooCommerce status it gets (the back office's settings
    choose it per kind of order); ``lines`` carry SKUs, quantities and totals
    as the back office booked them.
    """

    id: str
    kind: str
    status: str
    currency: str
    customer: Customer
    lines: tuple[OrderLine, ...]
    total: Money
    created_gmt: datetime | None = None


@dataclass(frozen=True)
class Coupon:
    """A WooCommerce coupon as a back office keeping vouchers books it, matched by ``code``.

    ``kind`` is WooCommerce's ``discount_type`` (``percent``, ``fixed_cart``,
    ``fixed_product``); ``amount`` the percent or the money off.
    """

    code: str
    kind: str
    amount: Decimal
    woo_id: int | None = None
    description: str = ""
    expires_gmt: datetime | None = None
    usage_limit: int | None = None
    backoffice_id: str | None = None  # the voucher's id, when read from the back office
    problem: str = ""  # why a voucher read from the back office can't be a coupon
