"""Sitoo's catalog rows as canonical records, and why a row is set aside.

A product's id in tillsync is its SKU: Sitoo keeps stock per warehouse by
SKU [V] and the SKU is unique per site [V], so stock rows, order items and
products meet on it without an extra look-up per product.  Money is a
two-decimal string [V]; anything else ("12,50") is refused with a reason.
Variants: a product whose ``variantparentid`` is set belongs to a family,
the main variant pointing at itself [V]; :mod:`.variants` builds the
family.  ``active`` is the webshop flag, ``activepos`` the POS flag [V].
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from engine.backends.sitoo.settings import ProductFilter
from engine.model import Category, Location, LocationKind, Money, PriceGroup, Product, StockLevel
from engine.model import TaxCode as TaxCodeRecord

__all__ = [
    "Reference",
    "RowProblem",
    "category_from_wire",
    "location_from_warehouse",
    "money_from_wire",
    "passes_filter",
    "price_group_from_wire",
    "product_from_wire",
    "stock_level_from_wire",
    "tax_code_from_wire",
]

_MONEY = re.compile(r"-?\d+\.\d{2}")
#: warehousetype codes [V reference §5 (10 FIFO), spec ("Virtual (20)")]
FIFO, VIRTUAL = 10, 20


class RowProblem(ValueError):
    """A back-office row that can't become a shop record; the message says why."""


def money_from_wire(value: Any, currency: str, where: str) -> Money:
    if not isinstance(value, str) or not _MONEY.fullmatch(value.strip()):
        raise RowProblem(f"{where} {str(value)[:20]!r} is not a Sitoo money value (like 12.50)")
    return Money(Decimal(value.strip()), currency)


def decimal_from_wire(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise RowProblem(f"{where} {str(value)[:20]!r} is not a number") from None


@dataclass(frozen=True)
class Reference:
    """What a product row is read against: VAT groups, manufacturers, prices, categories."""

    currency: str
    vat_groups: Mapping[str, TaxCodeRecord] = field(default_factory=dict)
    manufacturers: Mapping[str, str] = field(default_factory=dict)
    prices: Mapping[str, Any] | None = None  # productid -> moneyprice; None: the product's own
    categories: frozenset[str] | None = None  # None: not checked
    prices_include_vat: bool = True  # Sitoo's prices (the setting)
    shop_includes_tax: bool = True  # WooCommerce's prices (the shop's setting)

    def for_shop(self, price: Money | None, vatid: Any) -> Money | None:
        """Sitoo's price as the shop must see it: net and gross converted with the
        product's VAT group rate when the two sides disagree."""
        if price is None or self.prices_include_vat == self.shop_includes_tax:
            return price
        group = self.vat_groups.get(str(vatid))
        if group is None or group.rate is None:
            raise RowProblem(f"no VAT rate to convert the price (VAT group {vatid})")
        factor = 1 + group.rate / 100
        amount = price.amount / factor if self.prices_include_vat else price.amount * factor
        return Money(amount.quantize(Decimal("0.01"), ROUND_HALF_UP), price.currency)


def passes_filter(row: Mapping[str, Any], chosen: ProductFilter) -> bool:
    """The product filter of the settings (webshop flag ``active``, POS flag ``activepos``)."""
    web, pos = bool(row.get("active", True)), bool(row.get("activepos", True))
    return {
        ProductFilter.ALL: True,
        ProductFilter.ACTIVE: web or pos,
        ProductFilter.ACTIVE_POS: pos,
        ProductFilter.ACTIVE_WEBSHOP: web,
        ProductFilter.INACTIVE_POS: not pos,
        ProductFilter.INACTIVE_WEBSHOP: not web,
    }[chosen]


def _price(row: Mapping[str, Any], ref: Reference) -> Money | None:
    pid = str(row.get("productid"))
    if ref.prices is None:
        raw = row.get("moneyprice")
        return None if raw is None else money_from_wire(raw, ref.currency, "price")
    raw = ref.prices.get(pid)
    return None if raw is None else money_from_wire(raw, ref.currency, "price-list price")


def _tax(row: Mapping[str, Any], ref: Reference) -> tuple[str | None, str]:
    vatid = row.get("vatid")
    if vatid is None:
        return None, ""
    group = ref.vat_groups.get(str(vatid))
    if group is None:
        raise RowProblem(f"unknown VAT group {vatid} (not in Sitoo's product groups)")
    return group.id, group.name


def _categories(row: Mapping[str, Any], ref: Reference) -> tuple[str, ...]:
    ids = tuple(str(c) for c in row.get("categories") or ())
    if ref.categories is not None:
        gone = [c for c in ids if c not in ref.categories]
        if gone:
            raise RowProblem(f"in category {gone[0]}, which no longer exists in Sitoo")
    return ids


def product_from_wire(row: Mapping[str, Any], ref: Reference) -> Product:
    """One product row; raises :class:`RowProblem` with the reason it can't be used."""
    sku = str(row.get("sku") or "").strip()
    if not sku:
        raise RowProblem(f"product {row.get('productid')} has no SKU")
    tax_id, tax_name = _tax(row, ref)
    maker = ref.manufacturers.get(str(row.get("manufacturerid")), "")
    return Product(
        id=sku,
        sku=sku,
        name=str(row.get("title") or "").strip() or sku,
        price=ref.for_shop(_price(row, ref), row.get("vatid")),
        description=str(row.get("description") or ""),
        short_description=str(row.get("descriptionshort") or ""),
        tax_code_id=tax_id,
        tax_code_name=tax_name,
        category_ids=_categories(row, ref),
        codes=tuple(c for c in (row.get("barcode"), *(row.get("barcodealiases") or ())) if c),
        active=bool(row.get("active", True)),
        track_stock=bool(row.get("stockcountenable", True)),
        revision=row.get("datemodified"),
        manufacturer=maker,
        brand=maker,
    )


def category_from_wire(row: Mapping[str, Any]) -> Category:
    parent = row.get("categoryparentid")
    return Category(
        id=str(row["categoryid"]),
        name=str(row.get("title") or row["categoryid"]),
        parent_id=None if parent in (None, 0) else str(parent),
        active=bool(row.get("visible", True)),
    )


def tax_code_from_wire(row: Mapping[str, Any]) -> TaxCodeRecord:
    rate = row.get("value")
    return TaxCodeRecord(
        id=str(row["vatid"]),
        name=str(row.get("productgroupname") or row["vatid"]),
        rate=None if rate is None else Decimal(str(rate)),
    )


def price_group_from_wire(row: Mapping[str, Any], net: bool) -> PriceGroup:
    return PriceGroup(
        id=str(row["pricelistid"]),
        name=str(row.get("pricelistname") or row["pricelistid"]),
        currency=row.get("currencycode"),
        net_prices=net,
        active=bool(row.get("active", True)),
    )


def warehouse_kind(row: Mapping[str, Any]) -> str:
    return {FIFO: "FIFO", VIRTUAL: "virtual"}.get(row.get("warehousetype"), "other")


def location_from_warehouse(row: Mapping[str, Any]) -> Location:
    return Location(
        id=str(row["warehouseid"]),
        name=str(row.get("name") or row["warehouseid"]),
        kind=LocationKind.WAREHOUSE,
        selectable=True,
        detail=f"{warehouse_kind(row)} warehouse",
    )


def stock_level_from_wire(row: Mapping[str, Any], warehouse: str) -> StockLevel:
    """``decimalavailable`` (on hand minus reserved) is what the shop may sell [I]."""
    available = row.get("decimalavailable")
    if available is None:
        available = row.get("decimaltotal", "0")
    sku = str(row["sku"])
    return StockLevel(
        product_id=sku,
        location_id=warehouse,
        quantity=decimal_from_wire(available, f"stock of {sku}"),
        sku=sku,
        revision=row.get("datelastmodified"),
    )
