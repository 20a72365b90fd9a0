"""A realistic, seeded product catalogue and customer list for the demo account.

Deterministic for a given ``rng_seed`` and cheap enough for 100 000 products
(a few seconds): rows are built directly, no JSON round trip.  The mix
exercises what a sync must handle: two price groups (some products lack a
webshop price), deactivated and deleted products, untracked vouchers, zero
stock, second barcodes, loose goods sold by the kilogram, and a few products
with descriptions, mediaUrls and a weight in ``customProperties``.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sandbox.korona import ids
from sandbox.korona.catalog import ProductCatalog
from sandbox.korona.masterdata import MasterData
from sandbox.korona.products import PriceRow, ProductRow
from sandbox.korona.seed import LeafGroup, leaf_groups
from sandbox.korona.stock import StockLedger

__all__ = ["FIRST_PRODUCT_NUMBER", "seed_customers", "seed_products"]

FIRST_PRODUCT_NUMBER = 10001
_ADJECTIVES = ("Classic", "Organic", "Premium", "Alpine", "Golden", "Rustic", "Urban", "Fresh")
_SIZES = ("small", "medium", "large", "250 g", "500 g", "1 kg", "set of 2", "XL")
_FIRST = ("Anna", "Lukas", "Sophie", "David", "Lena", "Felix", "Marie", "Jonas", "Eva", "Paul")
_LAST = ("Gruber", "Huber", "Wagner", "Bauer", "Steiner", "Moser", "Mayer", "Hofer")


def _uuid(rng: random.Random) -> str:
    """A random-looking UUID from ``rng`` (built as text: seeding 100k must be fast)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


_DECIMALS: dict[int, Decimal] = {}


def _cents(cents: int) -> Decimal:
    """Shared Decimal objects: 100 000 products use ~200 distinct amounts."""
    value = _DECIMALS.get(cents)
    if value is None:
        value = _DECIMALS[cents] = Decimal(cents).scaleb(-2)
    return value


def _pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return options[int(rng.random() * len(options))]


def _weighted(weights: tuple[int, int, int]) -> list[int]:
    return [sum(int(d) * w for d, w in zip(f"{n:03d}", weights, strict=True)) for n in range(1000)]


_W131, _W313 = _weighted((1, 3, 1)), _weighted((3, 1, 3))


def ean13(seed: int) -> str:
    """An in-store EAN-13 (prefix 20) with a valid check digit.

    The weighted digit sum is assembled from 3-digit lookup tables: seeding
    100 000 products computes 105 000 of these.
    """
    total = 2 + _W131[seed // 10**7 % 1000] + _W313[seed // 10**4 % 1000]
    total += _W131[seed // 10 % 1000] + 3 * (seed % 10)
    return f"20{seed:010d}{(10 - total % 10) % 10}"


def _prices(rng: random.Random, leaf: str) -> tuple[PriceRow, ...]:
    step = int(rng.random() * 120)
    cents = 500 * (step // 4 + 1) if leaf == "Gift cards" else (step + 2) * 50 - 1
    retail = _cents(cents)
    roll = rng.random()
    if roll < 0.05:
        return (PriceRow(ids.PRICE_GROUP_RETAIL_ID, retail),)
    webshop = retail if roll < 0.7 else _cents(round(cents * 0.95))
    return (
        PriceRow(ids.PRICE_GROUP_RETAIL_ID, retail),
        PriceRow(ids.PRICE_GROUP_WEBSHOP_ID, webshop),
    )


def _extra(rng: random.Random, i: int, name: str) -> dict[str, Any] | None:
    if i % 10 != 3:
        return None
    grams = rng.choice((125, 250, 500, 750, 1000))
    return {
        "descriptions": [{"type": "DESCRIPTION", "text": f"{name}: a customer favourite."}],
        "mediaUrls": [
            {"url": f"https://images.example.com/products/{FIRST_PRODUCT_NUMBER + i}.jpg"}
        ],
        "customProperties": {"weight": f"{grams / 1000:.3f}", "weightUnit": "kg"},
        "discountable": True,
    }


def _product(rng: random.Random, i: int, leaf: LeafGroup) -> ProductRow:
    group_id, leaf_name, sector_id = leaf
    name = f"{_pick(rng, _ADJECTIVES)} {leaf_name.rstrip('s')} {_pick(rng, _SIZES)}"
    codes = [ean13(i + 1)] + ([ean13(500_000_000 + i)] if i % 20 == 7 else [])
    row = ProductRow(
        _uuid(rng),
        str(FIRST_PRODUCT_NUMBER + i),
        name,
        sector_id=sector_id,
        group_id=group_id,
        prices=_prices(rng, leaf_name),
        codes=codes,
        deactivated=i % 33 == 5,
        track_inventory=leaf_name != "Gift cards",
        packaging_unit="KILOGRAM" if leaf_name == "Coffee" and i % 4 == 0 else "PIECE",
        extra=_extra(rng, i, name),
    )
    row.active = i % 97 != 11  # about 1 % deleted, visible with includeDeleted=true
    return row


def seed_products(
    catalog: ProductCatalog, stock: StockLedger, count: int, rng: random.Random
) -> None:
    """Add ``count`` products with stock in both warehouses."""
    leaves = leaf_groups()
    for i in range(count):
        row = catalog.store(_product(rng, i, leaves[int(rng.random() * len(leaves))]))
        if not row.track_inventory or not row.active:
            continue
        roll = rng.random()
        empty = roll < 0.08
        stock.set(row.id, ids.ORG_WAREHOUSE_ID, _cents(0 if empty else 100 * int(roll * 200) + 100))
        stock.set(row.id, ids.ORG_STORE_ID, _cents(0 if empty else 100 * (int(roll * 1000) % 31)))


def seed_customers(master: MasterData, count: int, rng: random.Random) -> None:
    for i in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        body = {
            "firstname": first,
            "lastname": last,
            "email": f"{first}.{last}{i}@example.com".lower(),
            "phone": f"+43 1 {rng.randint(100000, 999999)}",
            "address": {
                "addressLine1": f"Hauptstraße {i + 1}",
                "zipCode": "1010",
                "city": "Wien",
                "country": "AT",
            },
            "privacyPolicyAccepted": True,
            "customerGroup": None,
        }
        body = {k: v for k, v in body.items() if v is not None}
        master.add("customers", _uuid(rng), str(1001 + i), body)
