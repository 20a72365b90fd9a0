"""A deterministic demo business: two permitted locations (and one that is not),
three tax rates, two price groups, two-level categories, single and variable
products with stock per location, one product without a variation, and the
walk-in customer.  No randomness: the same ``products`` gives the same data.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sandbox.aurpos.state import AurposSandbox, Client, Row, User

__all__ = ["DEMO_CLIENT", "DEMO_USER", "FULL_PERMISSIONS", "seed_demo"]

DEMO_CLIENT = Client("3", "sandbox-client-secret-0123456789")
FULL_PERMISSIONS = frozenset(
    {"sell.view", "sell.create", "sell.update", "sell.delete", "customer.view",
     "customer.create", "product.view"}
)  # fmt: skip
DEMO_USER = User("tillsync-api", "sandbox-pass-4321", FULL_PERMISSIONS, frozenset({1, 2}))

_LOCATIONS = ((1, "BL0001", "Main Store"), (2, "BL0002", "Web Warehouse"), (3, "BL0003", "Outlet"))
_TAXES = ((1, "VAT 20%", "20.0000"), (2, "VAT 10%", "10.0000"), (3, "Zero rated", "0.0000"))
_CATEGORIES = ((1, "Drinks", 0), (2, "Coffee", 1), (3, "Tea", 1), (4, "Food", 0), (5, "Bakery", 4))
_SIZES = ("S", "M", "L")


def _base(sb: AurposSandbox) -> None:
    sb.clients[DEMO_CLIENT.id] = DEMO_CLIENT
    sb.users[DEMO_USER.username] = replace(DEMO_USER)  # its own copy: tests change roles
    for loc_id, code, name in _LOCATIONS:
        sb.locations[loc_id] = {
            "id": loc_id, "business_id": sb.business_id, "location_id": code, "name": name,
            "city": "Vienna", "country": "AT", "is_active": 1,
        }  # fmt: skip
    for tax_id, name, amount in _TAXES:
        sb.taxes[tax_id] = {
            "id": tax_id, "business_id": sb.business_id, "name": name, "amount": amount,
            "is_tax_group": 0, "sub_taxes": [],
        }  # fmt: skip
    for group_id, name in ((1, "Webshop"), (2, "Wholesale")):
        sb.price_groups[group_id] = {
            "id": group_id, "name": name, "description": None, "is_active": 1
        }  # fmt: skip
    for cat_id, name, parent in _CATEGORIES:
        sb.categories[cat_id] = {
            "id": cat_id, "name": name, "business_id": sb.business_id,
            "short_code": name[:3].upper(), "parent_id": parent, "category_type": "product",
        }  # fmt: skip
    sb.contacts[1] = {
        "id": 1, "business_id": sb.business_id, "type": "customer", "contact_id": "CO0001",
        "name": "Walk-In Customer", "first_name": "Walk-In Customer", "last_name": "",
        "email": "", "mobile": "", "city": "", "country": "", "zip_code": "", "is_default": 1,
    }  # fmt: skip
    sb._ids.update({"contact": 1})


def _variation(sb: AurposSandbox, product_id: int, sku: str, net: Decimal, rate: Decimal,
               stock: dict[int, int], name: str = "DUMMY") -> Row:  # fmt: skip
    variation_id = sb.next_id("variation")
    gross = (net * (1 + rate / 100)).quantize(Decimal("0.01"))
    return {
        "id": variation_id, "name": name, "product_id": product_id, "sub_sku": sku,
        "default_purchase_price": f"{net * Decimal('0.6'):.4f}",
        "dpp_inc_tax": f"{net * Decimal('0.6') * (1 + rate / 100):.4f}",
        "profit_percent": "66.6667", "default_sell_price": f"{net:.4f}",
        "sell_price_inc_tax": f"{gross:.4f}", "woocommerce_variation_id": None,
        "variation_location_details": [
            {"variation_id": variation_id, "location_id": loc, "qty_available": f"{qty:.4f}"}
            for loc, qty in stock.items()
        ],
        "selling_price_group": [
            {"price_group_id": 1, "price_inc_tax": f"{gross - Decimal('0.50'):.4f}"},
            {"price_group_id": 2, "price_inc_tax": f"{gross * Decimal('0.8'):.4f}"},
        ],
        "media": [],
    }  # fmt: skip


def _product(sb: AurposSandbox, index: int) -> Row:
    product_id = sb.next_id("product")
    tax_id = (1, 2, 1, 3)[index % 4]
    rate = Decimal(sb.taxes[tax_id]["amount"])
    category, sub = ((1, 2), (1, 3), (4, 5), (4, None))[index % 4]
    sku = f"AP{product_id:04d}"
    net = Decimal(3 + index % 17) + Decimal("0.90")
    stock = {1: 5 + index % 7, 2: 20 + index % 11}
    variable = index % 5 == 4
    if variable:
        variations = [
            _variation(sb, product_id, f"{sku}-{size}", net + n, rate, stock, size)
            for n, size in enumerate(_SIZES)
        ]
        template = {"id": product_id, "name": "Size", "product_id": product_id, "is_dummy": 0}
    else:
        variations = [_variation(sb, product_id, sku, net, rate, stock)]
        template = {"id": product_id, "name": "DUMMY", "product_id": product_id, "is_dummy": 1}
    locations = [1, 2] if index % 6 else [1]
    return {
        "id": product_id, "name": f"Demo item {product_id}", "business_id": sb.business_id,
        "type": "variable" if variable else "single", "sku": sku, "barcode_type": "C128",
        "enable_stock": 1, "alert_quantity": "2.0000",
        "unit": {"id": 1, "actual_name": "Pieces", "short_name": "Pc(s)"}, "brand": None,
        "category_id": category, "sub_category_id": sub,
        "category": dict(sb.categories[category]),
        "sub_category": dict(sb.categories[sub]) if sub else None,
        "tax": tax_id, "product_tax": dict(sb.taxes[tax_id]),
        "tax_type": "exclusive", "not_for_selling": 0,
        "product_description": f"<p>Description of item {product_id}</p>",
        "image_url": f"https://pos.example/img/{product_id}.jpg",
        "weight": f"{Decimal(index % 3) / 2 + Decimal('0.25')}",
        "woocommerce_product_id": None, "woocommerce_disable_sync": 0, "is_inactive": 0,
        "created_at": "2026-01-01 10:00:00", "updated_at": "2026-01-01 10:00:00",
        "product_variations": [{**template, "variations": variations}],
        "product_locations": [
            {"id": loc, "name": sb.locations[loc]["name"]} for loc in locations
        ],
        "product_locations_ids": locations,
    }  # fmt: skip


def seed_demo(sb: AurposSandbox, products: int = 20, broken: bool = True) -> AurposSandbox:
    """Fill ``sb``; ``broken`` adds a product whose variations are missing."""
    with sb.lock:
        _base(sb)
        for index in range(products):
            product = _product(sb, index)
            sb.products[product["id"]] = product
        if broken:
            product = _product(sb, products)
            product.update(name="Gift voucher (no variation)", product_variations=[])
            sb.products[product["id"]] = product
    return sb
