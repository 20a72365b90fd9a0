"""Connector rows → canonical records: products, categories, taxes, places, stock.

A product's price is its variation's: ``sell_price_inc_tax`` (gross) when the
shop's prices include tax, else ``default_sell_price`` (net); with a selling
price group chosen, the group's ``price_inc_tax`` [Vd] (converted to net with
the product's tax rate for a net shop).  The tax code is the product's tax
rate (``product_tax.id``, or ``tax`` as an id [I]); the category is the
sub-category when there is one (it names its parent).  A ``single`` product
has one variation; a ``variable`` product's variations become variants
(``<product>:<variation>``).  A product without a variation cannot be sold
(a sell line needs a ``variation_id``): it is returned in ``problems``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from engine.model import (
    Category,
    Location,
    LocationKind,
    Money,
    PaymentMethod,
    PriceGroup,
    Product,
    StockLevel,
    TaxCode,
    Variant,
)

__all__ = [
    "PAYMENT_METHODS",
    "PriceRule",
    "categories_from_wire",
    "location_from_wire",
    "price_group_from_wire",
    "product_from_wire",
    "stock_from_wire",
    "tax_code_from_wire",
    "variations",
]

# Ultimate POS's fixed payment methods [V]
PAYMENT_METHODS = (
    PaymentMethod("cash", "Cash"), PaymentMethod("card", "Card"),
    PaymentMethod("cheque", "Cheque"), PaymentMethod("bank_transfer", "Bank transfer"),
    PaymentMethod("other", "Other"), PaymentMethod("custom_pay_1", "Custom payment 1"),
    PaymentMethod("custom_pay_2", "Custom payment 2"),
    PaymentMethod("custom_pay_3", "Custom payment 3"),
)  # fmt: skip
_CENT = Decimal("0.01")


def _dec(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class PriceRule:
    """Which price of a variation becomes the shop's."""

    currency: str
    gross: bool = True
    price_group: str | None = None

    def price(self, variation: Mapping[str, Any], rate: Decimal) -> Money | None:
        amount = self._group_price(variation)
        if amount is not None and not self.gross:
            amount = amount / (1 + rate / 100)
        if amount is None:
            key = "sell_price_inc_tax" if self.gross else "default_sell_price"
            amount = _dec(variation.get(key))
        if amount is None:
            return None
        return Money(amount.quantize(_CENT, ROUND_HALF_UP), self.currency)

    def _group_price(self, variation: Mapping[str, Any]) -> Decimal | None:
        if self.price_group is None:
            return None
        for row in variation.get("selling_price_group") or []:
            if str(row.get("price_group_id")) == self.price_group:
                return _dec(row.get("price_inc_tax"))
        return None


def variations(row: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(template name, variation) for every variation of a product row."""
    found = []
    for template in row.get("product_variations") or []:
        for variation in template.get("variations") or []:
            found.append((str(template.get("name") or ""), variation))
    return found


def _tax(row: Mapping[str, Any]) -> tuple[str | None, str, Decimal]:
    tax = row.get("product_tax")
    if isinstance(tax, Mapping) and tax.get("id") is not None:
        return str(tax["id"]), str(tax.get("name") or ""), _dec(tax.get("amount")) or Decimal(0)
    if isinstance(row.get("tax"), int | str) and str(row.get("tax")):
        return str(row["tax"]), "", Decimal(0)
    return None, "", Decimal(0)


def _brand(row: Mapping[str, Any]) -> str:
    brand = row.get("brand")
    return str(brand.get("name") or "") if isinstance(brand, Mapping) else ""


def _category(row: Mapping[str, Any]) -> tuple[str, ...]:
    for key in ("sub_category_id", "category_id"):
        if row.get(key):
            return (str(row[key]),)
    return ()


def product_from_wire(row: Mapping[str, Any], rule: PriceRule) -> tuple[Product, str]:
    """The product, and why it cannot be sold ('' when it can)."""
    tax_id, tax_name, rate = _tax(row)
    found = variations(row)
    variable = row.get("type") == "variable"
    first = found[0][1] if found else {}
    variants = tuple(
        Variant(
            id=f"{row['id']}:{v['id']}", sku=str(v.get("sub_sku") or ""),
            attributes=((template, str(v.get("name") or "")),),
            price=rule.price(v, rate), weight=_dec(row.get("weight")),
        )
        for template, v in found
    ) if variable else ()  # fmt: skip
    image = row.get("image_url")
    product = Product(
        id=str(row["id"]), sku=str(row.get("sku") or ""), name=str(row.get("name") or ""),
        price=None if variable or not first else rule.price(first, rate),
        description=str(row.get("product_description") or ""),
        tax_code_id=tax_id, tax_code_name=tax_name, category_ids=_category(row),
        weight=_dec(row.get("weight")),
        image_urls=(str(image),) if image and "default.png" not in str(image) else (),
        active=not row.get("is_inactive") and not row.get("not_for_selling"),
        track_stock=bool(row.get("enable_stock")), variants=variants,
        brand=_brand(row),
    )  # fmt: skip
    problem = (
        "" if found else "has no variation: Ultimate POS cannot sell it (a sell line needs one)"
    )
    return product, problem


def stock_from_wire(row: Mapping[str, Any], location_id: str) -> list[StockLevel]:
    """Stock of each variation of ``row`` at the location (single: the product's id)."""
    levels = []
    variable = row.get("type") == "variable"
    for _, variation in variations(row):
        quantity = Decimal(0)
        for detail in variation.get("variation_location_details") or []:
            if str(detail.get("location_id")) == location_id:
                quantity = _dec(detail.get("qty_available")) or Decimal(0)
        product_id = f"{row['id']}:{variation['id']}" if variable else str(row["id"])
        sku = str(variation.get("sub_sku") or row.get("sku") or "")
        levels.append(StockLevel(product_id, location_id, quantity, sku=sku))
    return levels


def categories_from_wire(rows: Iterable[Mapping[str, Any]]) -> list[Category]:
    """Top-level categories, then their sub-categories (parents first)."""
    tops, subs = [], []
    for row in rows:
        parent = row.get("parent_id")
        target = subs if parent not in (None, 0, "0") else tops
        target.append(
            Category(
                str(row["id"]),
                str(row.get("name") or ""),
                None if target is tops else str(parent),
                str(row.get("short_code") or "") or None,
            )
        )
        for sub in row.get("sub_categories") or []:
            subs.append(
                Category(
                    str(sub["id"]),
                    str(sub.get("name") or ""),
                    str(row["id"]),
                    str(sub.get("short_code") or "") or None,
                )
            )
    return tops + subs


def tax_code_from_wire(row: Mapping[str, Any]) -> TaxCode:
    return TaxCode(
        str(row["id"]), str(row.get("name") or ""), _dec(row.get("amount")), included=False
    )


def location_from_wire(row: Mapping[str, Any]) -> Location:
    detail = " ".join(str(row.get(k) or "") for k in ("location_id", "city")).strip()
    active = row.get("is_active", 1) not in (0, False)
    name = str(row.get("name") or "")
    return Location(str(row["id"]), name, LocationKind.BRANCH, selectable=active, detail=detail)


def price_group_from_wire(row: Mapping[str, Any]) -> PriceGroup:
    return PriceGroup(str(row["id"]), str(row.get("name") or ""), net_prices=False,
                      active=row.get("is_active", 1) not in (0, False))  # fmt: skip
