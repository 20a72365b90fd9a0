"""KORONA master data -> canonical records (products, groups, sectors, places).

Pure functions, no I/O, so the wire<->model rules are unit-tested on their
own.  KORONA keeps prices as rows per price group (and optionally per org
unit / valid-from date) and taxes as sector -> sales tax -> dated rates;
these functions pick the one row that applies *now*, as the POS would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.backends.korona.prices import PriceRule
from engine.backends.korona.wire import decimal_or_none, parse_time, ref_id
from engine.model import (
    Category,
    Location,
    LocationKind,
    PaymentMethod,
    PriceGroup,
    Product,
    StockLevel,
    TaxCode,
)

__all__ = [
    "EXTERNAL_POS_TYPES",
    "PriceRule",
    "SalesTaxRate",
    "category_from_wire",
    "current_rate",
    "is_external_pos",
    "location_from_org_unit",
    "location_from_pos",
    "payment_method_from_wire",
    "price_group_from_wire",
    "product_from_wire",
    "sales_tax_from_wire",
    "stock_level_from_wire",
    "tax_code_from_wire",
    "weight_from_wire",
]

Json = Mapping[str, Any]

# Only these device types accept receipts from outside KORONA (couplingId),
# as listed in the contract summary; STANDARD and the rest are real tills.
EXTERNAL_POS_TYPES = frozenset({"EXTERNAL", "EXTERNAL_WEBSHOP", "WEBSHOP"})


def _description(descriptions: object) -> str:
    for entry in descriptions or ():
        if isinstance(entry, Mapping) and entry.get("type") == "DESCRIPTION":
            return str(entry.get("text") or "")
    return ""


def weight_from_wire(data: Json, key: str | None) -> Decimal | None:
    """The weight an admin keeps in ``customProperties[key]`` (KORONA has no weight field).

    customProperties are free strings; one that is no plain number is no weight.
    """
    props = data.get("customProperties")
    if not key or not isinstance(props, Mapping):
        return None
    text = str(props.get(key) or "").strip().replace(",", ".")
    try:
        weight = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return weight if weight is not None and weight.is_finite() and weight >= 0 else None


def product_from_wire(
    data: Json, prices: PriceRule, now: datetime | None = None, weight_key: str | None = None
) -> Product:
    """A KORONA product as the shop should see it; deleted/deactivated -> inactive."""
    group = ref_id(data.get("commodityGroup"))
    codes = tuple(str(c["productCode"]) for c in data.get("codes") or () if c.get("productCode"))
    images = tuple(str(m["url"]) for m in data.get("mediaUrls") or () if m.get("url"))
    active = data.get("active") is not False and not data.get("deactivated", False)
    sector = ref_id(data.get("sector"))
    return Product(
        id=str(data["id"]),
        sku=str(data.get("number") or ""),
        name=str(data.get("name") or ""),
        price=prices.pick(data.get("prices") or (), now or datetime.now(UTC), sector),
        description=_description(data.get("descriptions")),
        tax_code_id=sector,
        tax_code_name=_ref_name(data.get("sector")),
        weight=weight_from_wire(data, weight_key),
        category_ids=(group,) if group else (),
        codes=codes,
        image_urls=images,
        active=active,
        track_stock=data.get("trackInventory", True) is not False,
        revision=_revision(data),
    )


def _revision(data: Json) -> int | None:
    value = data.get("revision")
    return int(value) if value is not None else None


def category_from_wire(data: Json) -> Category:
    return Category(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        parent_id=ref_id(data.get("parentCommodityGroup")),
        number=str(data["number"]) if data.get("number") else None,
        active=data.get("active") is not False,
    )


@dataclass(frozen=True)
class SalesTaxRate:
    """A KORONA sales tax reduced to what a sector needs: today's rate."""

    id: str
    name: str
    rate: Decimal | None
    included: bool


def current_rate(rates: object, now: datetime) -> Decimal | None:
    """The rate whose validFrom is the latest one not in the future."""
    best: tuple[datetime, Decimal] | None = None
    for entry in rates or ():
        rate = decimal_or_none(entry.get("rate"))
        since = parse_time(entry.get("validFrom")) or datetime.min.replace(tzinfo=UTC)
        if rate is not None and since <= now and (best is None or since >= best[0]):
            best = (since, rate)
    return best[1] if best else None


def sales_tax_from_wire(data: Json, now: datetime | None = None) -> SalesTaxRate:
    return SalesTaxRate(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        rate=current_rate(data.get("rates"), now or datetime.now(UTC)),
        included=data.get("included", True) is not False,
    )


def tax_code_from_wire(data: Json, taxes: Mapping[str, SalesTaxRate]) -> TaxCode:
    """A sector with the rate of its first sales tax (lowest index)."""
    entries = sorted(data.get("salesTaxes") or (), key=lambda e: e.get("index") or 0)
    tax = next((taxes[t] for e in entries if (t := ref_id(e.get("salesTax"))) in taxes), None)
    return TaxCode(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        rate=tax.rate if tax else None,
        included=tax.included if tax else True,
    )


def is_external_pos(data: Json) -> bool:
    pos_type = data.get("type")
    if pos_type is None:
        return data.get("external") is True
    return pos_type in EXTERNAL_POS_TYPES


def location_from_pos(data: Json) -> Location:
    external = is_external_pos(data)
    kind = data.get("type") or ("EXTERNAL" if external else "unknown type")
    state = "coupled" if data.get("coupled") else "not coupled"
    detail = f"{kind}, {state}" if external else f"{kind}: only External POS can take web orders"
    return Location(
        id=str(data["id"]),
        name=str(data.get("name") or data.get("number") or data["id"]),
        kind=LocationKind.POINT_OF_SALE,
        selectable=external and data.get("active") is not False,
        detail=detail,
    )


def location_from_org_unit(data: Json) -> Location:
    warehouse = bool(data.get("warehouse"))
    return Location(
        id=str(data["id"]),
        name=str(data.get("name") or data.get("number") or data["id"]),
        kind=LocationKind.WAREHOUSE if warehouse else LocationKind.BRANCH,
        selectable=warehouse and data.get("active") is not False,
        detail="holds stock" if warehouse else "organizational unit without a warehouse",
    )


def _ref_name(reference: object) -> str:
    """A ``ModelReference``'s name (KORONA sends id, number and name), else ""."""
    return str(reference.get("name") or "") if isinstance(reference, dict) else ""


def payment_method_from_wire(data: Json) -> PaymentMethod:
    number = str(data["number"]) if data.get("number") else None
    return PaymentMethod(
        id=str(data["id"]), name=str(data.get("name") or number or ""), number=number
    )


def price_group_from_wire(data: Json) -> PriceGroup:
    currency = data.get("currency") or {}
    return PriceGroup(
        id=str(data["id"]),
        name=str(data.get("name") or ""),
        currency=currency.get("number") or currency.get("name"),
        net_prices=bool(data.get("netPrices")),
        active=data.get("active") is not False,
    )


def stock_level_from_wire(data: Json, location_id: str) -> StockLevel:
    """``amount.actual`` is on-hand; ordered/lent are not sellable stock."""
    product = data.get("product") or {}
    actual = decimal_or_none((data.get("amount") or {}).get("actual")) or Decimal(0)
    return StockLevel(
        product_id=str(product.get("id") or product.get("number") or ""),
        location_id=ref_id(data.get("warehouse")) or location_id,
        quantity=actual,
        sku=str(product["number"]) if product.get("number") else None,
        revision=_revision(data),
    )
