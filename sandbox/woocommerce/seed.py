"""A realistic demo shop, generated fast enough for 100k products.

Records are built directly (no REST validation per item) and hold only the
fields a shop manager would have set, so 100k products stay small.  Dates
grow with ids (the oldest product has the lowest id), prices are strings,
about 70% of products manage stock, every 20th product is variable with
three sizes, a few are drafts or private, food is in the reduced tax class.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.shopper import place_order
from sandbox.woocommerce.store_settings import gateway
from sandbox.woocommerce.text import sanitize_title

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["seed_demo"]

_CATEGORIES = [
    ("Coffee", "reduced-rate"),
    ("Tea", "reduced-rate"),
    ("Bakery", "reduced-rate"),
    ("Dairy", "reduced-rate"),
    ("Snacks", "reduced-rate"),
    ("Beverages", ""),
    ("Household", ""),
    ("Personal care", ""),
    ("Kitchenware", ""),
    ("Books", "zero-rate"),
    ("Gifts", ""),
    ("Garden", ""),
]
_ADJECTIVES = [
    "Organic",
    "Classic",
    "Premium",
    "Everyday",
    "Artisan",
    "Fresh",
    "Local",
    "Golden",
    "Wild",
    "Fine",
]
_NOUNS = [
    "Blend",
    "Selection",
    "Box",
    "Pack",
    "Jar",
    "Bundle",
    "Edition",
    "Set",
    "Collection",
    "Mix",
]
_SIZES = ["100 g", "250 g", "500 g", "1 kg", "330 ml", "1 l", "S", "M", "L", "XL"]
_YEAR = 365 * 24 * 3600


Category = tuple[int, str, str]
"""(term id, name, tax class slug)"""


def _categories(sb: WooSandbox, count: int) -> list[Category]:
    made: list[Category] = []
    for index in range(count):
        name, tax_class = _CATEGORIES[index % len(_CATEGORIES)]
        if index >= len(_CATEGORIES):
            name = f"{name} {index // len(_CATEGORIES) + 1}"
        cid = sb.ids.take("term")
        parent = made[0][0] if index and index % 5 == 4 and made else 0
        sb.categories[cid] = {
            "id": cid,
            "name": name,
            "slug": sanitize_title(name),
            "parent": parent,
        }
        made.append((cid, name, tax_class))
    return made or [(sb.default_category_id, "Goods", "")]


def _product(rng: random.Random, pid: int, number: int, cat: Category, ts: int) -> dict[str, Any]:
    name = f"{rng.choice(_ADJECTIVES)} {cat[1]} {rng.choice(_NOUNS)} {rng.choice(_SIZES)}"
    cents = rng.randrange(99, 9999)
    rec: dict[str, Any] = {
        "id": pid,
        "name": name,
        "sku": f"WC-{number:06d}",
        "regular_price": f"{cents // 100}.{cents % 100:02d}",
        "categories": [cat[0]],
        "created": ts,
        "modified": ts + rng.randrange(0, 30 * 86400),
    }
    if cat[2]:
        rec["tax_class"] = cat[2]
    roll = rng.random()
    if roll < 0.03:
        rec["status"] = "draft"
    elif roll < 0.05:
        rec["status"] = "private"
    if rng.random() < 0.1:
        rec["sale_price"] = f"{cents * 8 // 1000}.{cents * 8 // 10 % 100:02d}"
    if rng.random() < 0.7:
        qty = 0 if rng.random() < 0.07 else rng.randrange(1, 200)
        rec.update(
            manage_stock=True, stock_quantity=qty, stock_status="instock" if qty else "outofstock"
        )
    return rec


_SIZE_ATTRIBUTE = {
    "id": 0,
    "name": "Size",
    "slug": "size",
    "position": 0,
    "visible": True,
    "variation": True,
    "options": ["S", "M", "L"],
}


def _variation(rng: random.Random, vid: int, parent: dict[str, Any], size: str) -> dict[str, Any]:
    cents = rng.randrange(199, 4999)
    qty = rng.randrange(0, 60)
    return {
        "id": vid,
        "parent_id": parent["id"],
        "sku": f"{parent['sku']}-{size}",
        "regular_price": f"{cents // 100}.{cents % 100:02d}",
        "manage_stock": True,
        "stock_quantity": qty,
        "stock_status": "instock" if qty else "outofstock",
        "attributes": [{"id": 0, "name": "Size", "option": size}],
        "created": parent["created"],
        "modified": parent["modified"],
    }


def _variations(sb: WooSandbox, rng: random.Random, parent: dict[str, Any]) -> None:
    """Turn ``parent`` into a variable product with sizes S, M and L."""
    parent["type"] = "variable"
    parent.pop("regular_price", None)
    parent.pop("sale_price", None)
    kids = []
    for size in _SIZE_ATTRIBUTE["options"]:
        variation = _variation(rng, sb.ids.take("post"), parent, size)
        sb.variations[variation["id"]] = variation
        sb.sku_index[variation["sku"]] = variation["id"]
        kids.append(variation["id"])
    parent["variations"] = kids
    parent["attributes"] = [dict(_SIZE_ATTRIBUTE)]


def _products(sb: WooSandbox, rng: random.Random, count: int, cats: list[Category]) -> None:
    now = sb.clock.now()
    start = now - _YEAR
    step = max(1, _YEAR // max(1, count))
    slug_counts: dict[str, int] = {}
    first = len(sb.products) + 1
    for offset in range(count):
        pid = sb.ids.take("post")
        rec = _product(rng, pid, first + offset, cats[offset % len(cats)], start + offset * step)
        rec["modified"] = min(rec["modified"], now)
        base = sanitize_title(rec["name"])
        seen = slug_counts.get(base, 0) + 1
        slug_counts[base] = seen
        rec["slug"] = base if seen == 1 else f"{base}-{seen}"
        sb.product_slugs[rec["slug"]] = pid
        sb.sku_index[rec["sku"]] = pid
        sb.products[pid] = rec
        if offset % 20 == 19:
            _variations(sb, rng, rec)


def _customers(sb: WooSandbox, count: int) -> list[int]:
    ids = []
    now = sb.clock.now()
    for index in range(count):
        cid = sb.ids.take("user")
        email = f"customer{index + 1}@example.com"
        sb.customers[cid] = {
            "id": cid,
            "email": email,
            "username": f"customer{index + 1}",
            "first_name": f"Customer{index + 1}",
            "last_name": "Example",
            "billing": {"email": email, "country": "SK", "city": "Bratislava"},
            "created": now - _YEAR + index * 3600,
            "modified": now - _YEAR + index * 3600,
        }
        ids.append(cid)
    return ids


def seed_demo(sb: WooSandbox, products: int, categories: int, orders: int, rng_seed: int) -> None:
    """Fill ``sb`` with a demo shop; safe to call on an empty sandbox."""
    rng = random.Random(rng_seed)
    with sb.lock:
        cats = _categories(sb, categories)
        _products(sb, rng, products, cats)
        customers = _customers(sb, min(20, max(2, products // 5)))
        sb.settings.payment_gateways.update(
            {
                "stripe": gateway("stripe", "Credit card", "Stripe", 3, refunds=True),
                "ppcp-gateway": gateway(
                    "ppcp-gateway", "PayPal", "WooCommerce PayPal Payments", 4, refunds=True
                ),
            }
        )
        _coupons(sb)
        sb.catalog_version += 1
    _orders(sb, rng, orders, customers)


def _coupons(sb: WooSandbox) -> None:
    now = sb.clock.now()
    for code, kind, value in (("welcome10", "percent", "10"), ("5off", "fixed_cart", "5")):
        pid = sb.ids.take("post")
        sb.coupons[pid] = {
            "id": pid,
            "code": code,
            "discount_type": kind,
            "amount": value,
            "created": now,
            "modified": now,
        }


def _orders(sb: WooSandbox, rng: random.Random, count: int, customers: list[int]) -> None:
    buyable = [
        pid
        for pid, rec in sb.products.items()
        if rec.get("status", "publish") == "publish"
        and rec.get("type") != "variable"
        and rec.get("stock_quantity", 1) > 3
    ][:500]
    statuses = ["completed"] * 12 + ["processing"] * 5 + ["on-hold", "cancelled", "pending"]
    now = sb.clock.now()
    for index in range(count):
        lines = [(rng.choice(buyable), rng.randrange(1, 3)) for _ in range(rng.randrange(1, 4))]
        lines = list(dict(lines).items())
        created = now - (count - index) * 3600
        try:
            place_order(
                sb,
                lines,
                payment_method=rng.choice(["bacs", "cod", "stripe", "ppcp-gateway"]),
                status=rng.choice(statuses),
                customer=rng.choice([*customers, None]),
                shipping_total="4.90",
                created=created,
            )
        except WooError:
            continue
