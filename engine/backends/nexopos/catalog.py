"""NexoPOS rows as canonical records: categories, products, stock, tax groups.

A product's price and stock live on its *unit quantities* (one row per
unit) [V]; the configured unit (or the product's first row) gives both.
The configured tier picks ``sale``/``wholesale``/``custom`` and its
``_gross`` or ``_net`` column (v6 names [V]; the v5 ``_with_tax``/
``_without_tax`` names are read too, though doctor refuses a v5 store).

CRUD rows of ``ns.products`` are display-formatted: ``status`` is a
translated label (``Available``/``Hidden``) [V: source], so a product is
inactive only for a label we know means hidden, and ``rawStockManagement``
is preferred over the formatted ``stock_management`` [I: tolerant reading].  A variable product's
variations become its variants (one "Variant" attribute: the variation's name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.model import Category, Money, PaymentMethod, Product, StockLevel, TaxCode, Variant

__all__ = [
    "STORE_LOCATION",
    "category_from_wire",
    "kind_of",
    "payment_methods_from_wire",
    "pick_unit_row",
    "product_from_wire",
    "product_sku",
    "stock_level_from_wire",
    "tax_code_from_wire",
    "variant_from_wire",
]

STORE_LOCATION = "store"  # NexoPOS keeps one stock location per store [V: schema]
_HIDDEN = frozenset({"hidden", "unavailable"})
_PARENT_KINDS = frozenset({"variable", "variation"})


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _id(value: Any) -> str | None:
    return None if value in (None, "", 0, "0") else str(value)


def category_from_wire(row: Mapping[str, Any]) -> Category:
    """``parent_id`` 0 or null is a root [V]."""
    return Category(str(row["id"]), str(row.get("name") or ""), _id(row.get("parent_id")))


def product_sku(row: Mapping[str, Any]) -> str:
    return str(row.get("sku") or row.get("barcode") or "")


def kind_of(row: Mapping[str, Any]) -> str:
    """``product`` (simple), ``variable`` (a parent) or ``variation`` (its child) [V]."""
    kind = str(row.get("product_type") or "product")
    return kind if kind in _PARENT_KINDS else "product"


def pick_unit_row(
    rows: Sequence[Mapping[str, Any]], unit_id: int | None
) -> Mapping[str, Any] | None:
    if unit_id is not None:
        return next((r for r in rows if int(r.get("unit_id") or 0) == unit_id), None)
    return min(rows, key=lambda r: int(r["id"])) if rows else None


def _price(row: Mapping[str, Any], tier: str, gross: bool) -> Decimal | None:
    names = ("gross", "with_tax") if gross else ("net", "without_tax")
    for name in (*(f"{tier}_price_{n}" for n in names), f"{tier}_price"):
        value = _decimal(row.get(name))
        if value is not None:
            return value
    return None


def _active(row: Mapping[str, Any]) -> bool:
    return str(row.get("status") or "").strip().lower() not in _HIDDEN


def _tracks_stock(row: Mapping[str, Any]) -> bool:
    raw = row.get("rawStockManagement") or row.get("stock_management") or "enabled"
    return str(raw).strip().lower() in ("enabled", "enable", "1", "true")


def variant_from_wire(
    row: Mapping[str, Any], unit: Mapping[str, Any] | None, *, tier: str, gross: bool,
    currency: str,
) -> Variant:  # fmt: skip
    """A variation: NexoPOS names it, it has no attribute table [V: columns], so its
    name is the one option of a "Variant" attribute."""
    price = _price(unit, tier, gross) if unit is not None else None
    return Variant(
        id=str(row["id"]),
        sku=product_sku(row),
        attributes=(("Variant", str(row.get("name") or row["id"])),),
        price=None if price is None else Money(price, currency),
        active=_active(row),
    )


def product_from_wire(
    row: Mapping[str, Any],
    unit: Mapping[str, Any] | None,
    variants: tuple[Variant, ...] = (),
    *,
    tier: str,
    gross: bool,
    currency: str,
) -> Product:
    price = _price(unit, tier, gross) if unit is not None else None
    barcode = str(row.get("barcode") or "")
    return Product(
        id=str(row["id"]),
        sku=product_sku(row),
        name=str(row.get("name") or ""),
        price=None if price is None else Money(price, currency),
        description=str(row.get("description") or ""),
        tax_code_id=_id(row.get("tax_group_id")),
        category_ids=tuple(c for c in (_id(row.get("category_id")),) if c),
        codes=(barcode,) if barcode else (),
        active=_active(row),
        track_stock=_tracks_stock(row),
        variants=variants,
    )


def stock_level_from_wire(product: Mapping[str, Any], unit: Mapping[str, Any]) -> StockLevel:
    quantity = _decimal(unit.get("quantity")) or Decimal(0)
    return StockLevel(str(product["id"]), STORE_LOCATION, quantity, sku=product_sku(product))


def tax_code_from_wire(row: Mapping[str, Any]) -> TaxCode:
    """A tax group; its rate is the sum of its taxes' rates [I: compounding ignored]."""
    rates = [_decimal(t.get("rate")) for t in row.get("taxes") or []]
    rate = sum((r for r in rates if r is not None), Decimal(0)) if rates else None
    return TaxCode(str(row["id"]), str(row.get("name") or ""), rate, included=True)


def payment_methods_from_wire(body: Any) -> list[PaymentMethod]:
    """``GET /orders/payments`` is a form field whose ``options`` are the types [V-run]."""
    fields = body if isinstance(body, list) else []
    options = next((f.get("options") for f in fields if isinstance(f, dict)), None) or []
    return [
        PaymentMethod(str(o["identifier"]), str(o.get("label") or o["identifier"]))
        for o in options
        if isinstance(o, dict) and o.get("identifier") and o.get("active", True)
    ]
