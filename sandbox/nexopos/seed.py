"""A seeded store: the rows a fresh NexoPOS install plus a small shop would hold.

Ids are fixed so tests and the demo can name them (``ids``).  Prices use the
v6 column names (``sale_price_net/gross/tax``) [V]; every product is
``inclusive`` of tax, its gross price is what was entered (``*_edit``) [I].
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.nexopos import ids
from sandbox.nexopos.state import ALL_PERMISSIONS, NexoSandbox, now_text

__all__ = ["add_category", "add_product", "add_variable_product", "price_columns", "seed_store"]

_CATEGORIES = (
    (ids.CATEGORY_DRINKS, "Drinks", None),
    (ids.CATEGORY_COFFEE, "Coffee", ids.CATEGORY_DRINKS),
    (ids.CATEGORY_TEA, "Tea", ids.CATEGORY_DRINKS),
    (ids.CATEGORY_BAKERY, "Bakery", None),
    (ids.CATEGORY_BREAD, "Bread", ids.CATEGORY_BAKERY),
)
_TAX_GROUPS = (
    (ids.TAX_STANDARD, "Standard VAT", "20"),
    (ids.TAX_REDUCED, "Reduced VAT", "10"),
    (ids.TAX_ZERO, "Zero rated", "0"),
)
_PAYMENTS = (
    (1, "Cash", "cash-payment"),
    (2, "Bank Payment", "bank-payment"),
    (3, "Customer Account", "account-payment"),
    (4, "Card", "card-payment"),
)


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def price_columns(prefix: str, gross: Decimal, rate: Decimal) -> dict[str, float]:
    """A tier's five columns from the entered (tax-inclusive) price."""
    net = gross / (1 + rate / 100)
    return {
        prefix: _money(gross),
        f"{prefix}_edit": _money(gross),
        f"{prefix}_gross": _money(gross),
        f"{prefix}_net": _money(net),
        f"{prefix}_tax": _money(gross - net),
    }


def _people(sb: NexoSandbox) -> None:
    """An administrator (a user, not a customer) and the walk-in customer."""
    stamp = now_text()
    sb.users[ids.ADMIN_USER] = {
        "id": ids.ADMIN_USER, "username": "admin", "email": ids.ADMIN_EMAIL, "role": "admin",
        "first_name": "Store", "last_name": "Admin", "group_id": None, "created_at": stamp,
    }  # fmt: skip
    sb.users[ids.WALK_IN_CUSTOMER] = {
        "id": ids.WALK_IN_CUSTOMER, "username": "walk-in", "email": "walkin@shop.test",
        "role": "customer", "first_name": "Walk-in", "last_name": "Customer",
        "group_id": ids.GROUP_DEFAULT, "created_at": stamp, "billing": None, "shipping": None,
    }  # fmt: skip
    sb.customer_groups[ids.GROUP_DEFAULT] = {"id": ids.GROUP_DEFAULT, "name": "Default"}
    sb.customer_groups[ids.GROUP_WEB] = {"id": ids.GROUP_WEB, "name": "Web shop"}


def _units(sb: NexoSandbox) -> None:
    sb.unit_groups[ids.UNIT_GROUP] = {"id": ids.UNIT_GROUP, "name": "Countable"}
    sb.units[ids.UNIT_PIECE] = {
        "id": ids.UNIT_PIECE, "name": "Piece", "identifier": "piece", "value": 1,
        "base_unit": True, "group_id": ids.UNIT_GROUP,
    }  # fmt: skip
    sb.units[ids.UNIT_BOX] = {
        "id": ids.UNIT_BOX, "name": "Box of 6", "identifier": "box-6", "value": 6,
        "base_unit": False, "group_id": ids.UNIT_GROUP,
    }  # fmt: skip


def _base(sb: NexoSandbox) -> None:
    _people(sb)
    _units(sb)
    for key in ("users", "orders", "unit_quantities", "products", "categories"):
        sb._next[key] = 10 if key == "users" else 0
    for tax_id, name, rate in _TAX_GROUPS:
        tax = {"id": tax_id, "name": f"{name} {rate}%", "rate": float(rate), "tax_group_id": tax_id}
        sb.tax_groups[tax_id] = {"id": tax_id, "name": name, "taxes": [tax]}
    for pay_id, label, identifier in _PAYMENTS:
        sb.payment_types[pay_id] = {
            "id": pay_id, "label": label, "identifier": identifier, "active": True,
            "readonly": pay_id <= 3, "priority": pay_id,
        }  # fmt: skip
    sb.add_token(ids.TOKEN, ids.ADMIN_USER, ALL_PERMISSIONS)


def add_category(sb: NexoSandbox, name: str, parent_id: int | None = None) -> int:
    with sb.lock:
        cat_id = sb.next_id("categories")
        sb.categories[cat_id] = {
            "id": cat_id, "name": name, "parent_id": parent_id, "description": "",
            "displays_on_pos": True, "total_items": 0, "position": cat_id,
            "created_at": now_text(), "updated_at": now_text(),
        }  # fmt: skip
        return cat_id


def _unit_rows(
    sb: NexoSandbox, product_id: int, gross: Decimal, quantity: int, rate: Decimal
) -> None:
    for unit_id, factor, stock in ((ids.UNIT_PIECE, 1, quantity), (ids.UNIT_BOX, 6, 0)):
        row_id = sb.next_id("unit_quantities")
        row: dict[str, Any] = {
            "id": row_id, "product_id": product_id, "unit_id": unit_id,
            "quantity": float(stock), "low_quantity": 0, "stock_alert_enabled": False,
            "barcode": None, "visible": True, "cogs": 0, "updated_at": now_text(),
        }  # fmt: skip
        row |= price_columns("sale_price", gross * factor, rate)
        row |= price_columns("wholesale_price", gross * factor * Decimal("0.8"), rate)
        row |= price_columns("custom_price", gross * factor * Decimal("0.9"), rate)
        sb.unit_quantities[row_id] = row


def add_product(
    sb: NexoSandbox,
    sku: str,
    name: str,
    gross: Decimal,
    *,
    quantity: int = 20,
    category_id: int = ids.CATEGORY_COFFEE,
    tax_group_id: int = ids.TAX_STANDARD,
    barcode: str = "",
) -> int:
    """One product with a Piece row (and a Box row holding 6 pieces' prices)."""
    with sb.lock:
        product_id = sb.next_id("products")
        stamp = now_text()
        sb.products[product_id] = {
            "id": product_id, "name": name, "sku": sku, "barcode": barcode or f"2{product_id:012d}",
            "barcode_type": "ean13", "description": f"{name}, from the back office",
            "product_type": "product", "type": "materialized", "status": "available",
            "stock_management": "enabled", "category_id": category_id, "parent_id": 0,
            "tax_type": "inclusive", "tax_group_id": tax_group_id, "tax_value": "0.00000",
            "unit_group": ids.UNIT_GROUP, "searchable": True, "created_at": stamp,
            "updated_at": stamp,
        }  # fmt: skip
        rate = Decimal(str(sb.tax_groups[tax_group_id]["taxes"][0]["rate"]))
        _unit_rows(sb, product_id, gross, quantity, rate)
        return product_id


def add_variable_product(
    sb: NexoSandbox,
    sku: str,
    name: str,
    variations: list[tuple[str, str, Decimal, int]],
    *,
    category_id: int = ids.CATEGORY_TEA,
    tax_group_id: int = ids.TAX_STANDARD,
) -> int:
    """A ``variable`` parent (no unit rows) and its ``variation`` children
    ``(sku, name, gross price, stock)``, each with its own unit rows [V: schema]."""
    with sb.lock:
        parent = add_product(sb, sku, name, Decimal(0), category_id=category_id,
                             tax_group_id=tax_group_id)  # fmt: skip
        sb.products[parent]["product_type"] = "variable"
        for row in sb.quantities_of(parent):
            del sb.unit_quantities[row["id"]]
        for child_sku, child_name, gross, stock in variations:
            child = add_product(sb, child_sku, child_name, gross, quantity=stock,
                                category_id=category_id, tax_group_id=tax_group_id)  # fmt: skip
            sb.products[child] |= {"product_type": "variation", "parent_id": parent}
        return parent


def seed_store(sb: NexoSandbox, products: int = 12, rng_seed: int = 1) -> NexoSandbox:
    """Defaults plus ``products`` coffee/tea/bread products with stock."""
    _base(sb)
    for _cat_id, name, parent in _CATEGORIES:
        add_category(sb, name, parent)
    rng = random.Random(rng_seed)
    leaves = (ids.CATEGORY_COFFEE, ids.CATEGORY_TEA, ids.CATEGORY_BREAD)
    taxes = (ids.TAX_STANDARD, ids.TAX_REDUCED, ids.TAX_ZERO)
    for n in range(1, products + 1):
        gross = Decimal(rng.randrange(150, 4000)) / 100
        add_product(
            sb, f"NX-{n:05d}", f"Item {n}", gross, quantity=rng.randrange(5, 60),
            category_id=leaves[n % 3], tax_group_id=taxes[n % 3],
        )  # fmt: skip
    return sb
