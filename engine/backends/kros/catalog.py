"""KROS stock cards (``/api/catalog-items``) as canonical products and stock.

The reference could not retrieve a stock card's field names [contract
§5.4], so every name here is inferred [I] and read tolerantly: the first of
several spellings present wins, following the names KROS uses on invoice
items (``itemCode``, ``eanCode``, ``warehouseCode``, ``vatRate``,
``unitPrice``).  A card without a code or a name is skipped, never guessed.
Per-warehouse stock is exposed "somewhere" [FYN]: a ``stock`` list of
``{warehouseCode, quantity}`` is read, or a single ``quantity``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.model import Location, LocationKind, Money, Product, StockLevel, TaxCode

__all__ = [
    "ALL_WAREHOUSES",
    "item_code",
    "location_from_wire",
    "product_from_wire",
    "stock_from_wire",
    "tax_code_for",
]

ALL_WAREHOUSES = "all"  # the location id of summed stock

_CODE = ("itemCode", "code", "catalogNumber")
_NAME = ("name", "itemName")
_EAN = ("eanCode", "ean", "barcode")
_VAT = ("vatRate", "vatPercent", "vat")
_NET = ("unitPrice", "price", "salePrice")
_GROSS = ("unitPriceInclVat", "priceInclVat", "salePriceInclVat")
_STOCK_LISTS = ("stock", "warehouses", "stocks", "warehouseStocks")
_QUANTITY = ("quantity", "amount", "stockQuantity")


def _first(row: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    return next((row[n] for n in names if row.get(n) not in (None, "")), None)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def item_code(row: Mapping[str, Any]) -> str | None:
    code = _first(row, _CODE)
    return str(code).strip() if code is not None else None


def tax_code_for(rate: Decimal) -> TaxCode:
    """A VAT rate is the KROS tax bucket: its id is the rate ("23")."""
    text = format(rate.normalize(), "f")
    return TaxCode(text, f"DPH {text} %", rate, included=True)


def _price(
    row: Mapping[str, Any], rate: Decimal | None, currency: str, gross: bool
) -> Money | None:
    """The shop's kind of price; the other kind is converted with the card's VAT rate."""
    wanted = _decimal(_first(row, _GROSS if gross else _NET))
    if wanted is None:
        other = _decimal(_first(row, _NET if gross else _GROSS))
        if other is None or rate is None:
            return None
        factor = (100 + rate) / 100
        wanted = other * factor if gross else other / factor
    return Money(wanted, currency).to_minor()


def product_from_wire(row: Mapping[str, Any], currency: str, gross: bool = True) -> Product | None:
    code, name = item_code(row), _first(row, _NAME)
    if not code or not name:
        return None
    rate = _decimal(_first(row, _VAT))
    ean = _first(row, _EAN)
    marked = row.get("markedForEshop")
    return Product(
        id=code,
        sku=code,
        name=str(name),
        price=_price(row, rate, currency, gross),
        description=str(row.get("description") or ""),
        short_description=str(row.get("shortDescription") or ""),
        tax_code_id=tax_code_for(rate).id if rate is not None else None,
        tax_code_name=tax_code_for(rate).name if rate is not None else "",
        codes=(str(ean),) if ean else (),
        active=marked is not False,
    )


def _per_warehouse(row: Mapping[str, Any]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for entry in _first(row, _STOCK_LISTS) or ():
        if isinstance(entry, Mapping):
            where = entry.get("warehouseCode") or entry.get("code") or entry.get("warehouse")
            quantity = _decimal(_first(entry, _QUANTITY))
            if where is not None and quantity is not None:
                found[str(where)] = found.get(str(where), Decimal(0)) + quantity
    return found


def stock_from_wire(row: Mapping[str, Any], warehouse: str | None) -> StockLevel | None:
    """One warehouse's quantity, or (``warehouse`` None) the sum of all of them."""
    code = item_code(row)
    if not code:
        return None
    per_warehouse = _per_warehouse(row)
    if per_warehouse:
        quantity = per_warehouse.get(warehouse, Decimal(0)) if warehouse else None
        if quantity is None:
            quantity = sum(per_warehouse.values(), Decimal(0))
    else:
        quantity = _decimal(_first(row, _QUANTITY))
        if quantity is None:
            return None
    return StockLevel(code, warehouse or ALL_WAREHOUSES, quantity, sku=code)


def location_from_wire(row: Mapping[str, Any]) -> Location | None:
    code = row.get("code") or row.get("warehouseCode")
    if not code:
        return None
    name = str(row.get("name") or code)
    return Location(str(code), name, LocationKind.WAREHOUSE, detail=f"KROS Sklad {code}")
