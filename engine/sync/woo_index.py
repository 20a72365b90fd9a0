"""A compact picture of what WooCommerce currently holds, keyed by SKU.

Built by streaming the store's products page by page when a run needs it:
to match unlinked back-office products by SKU (no duplicates) and, on a full
run, to compare what is really in the shop with what should be there
(drift repair).  Only ids and per-field digests are kept, so 100,000
products cost a few megabytes, not the whole catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.sync.fieldhash import FieldHashes, fingerprint
from engine.sync.shop_values import shop_name

__all__ = ["COMPARABLE_FIELDS", "WooEntry", "WooIndex", "woo_view"]

# Fields whose value WooCommerce echoes back in a form we can compare.
# ``images`` is absent on purpose: WooCommerce replaces our source URLs with
# its own media URLs, so only the link's hash can tell whether they changed.
COMPARABLE_FIELDS = (
    "name",
    "sku",
    "tax_class",
    "regular_price",
    "description",
    "short_description",
    "weight",
    "global_unique_id",
    "categories",
    "status",
    "manage_stock",
    "stock_quantity",
    "catalog_visibility",
)


def _decimal_text(value: Any, places: int | None) -> Any:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    if places is None:
        return format(number.normalize(), "f")
    return str(number.quantize(Decimal(1).scaleb(-places)))


def woo_view(product: Mapping[str, Any], price_decimals: int = 2) -> dict[str, Any]:
    """WooCommerce's REST product reduced to the fields and forms we write."""
    view = {name: product[name] for name in COMPARABLE_FIELDS if name in product}
    if isinstance(view.get("name"), str):
        view["name"] = shop_name(view["name"])  # WordPress answers "A &amp; B"
    if view.get("regular_price") not in (None, ""):
        view["regular_price"] = _decimal_text(view["regular_price"], price_decimals)
    if view.get("weight") not in (None, ""):
        view["weight"] = _decimal_text(view["weight"], None)
    if "categories" in view:
        view["categories"] = _our_categories(view["categories"])
    return view


def _our_categories(categories: list[Mapping[str, Any]]) -> list[dict[str, int]]:
    """Category ids as we send them; the shop's default category alone means none.

    A product saved with ``categories: []`` gets the default category
    ("Uncategorized"), which we never asked for and must not try to remove.
    """
    if [c.get("slug") for c in categories] == [DEFAULT_CATEGORY_SLUG]:
        return []
    return sorted(({"id": c["id"]} for c in categories), key=_cat_id)


def _cat_id(category: Mapping[str, int]) -> int:
    return category["id"]


DEFAULT_CATEGORY_SLUG = "uncategorized"
_ABSENT = bytes(6)


def _pack(digests: FieldHashes) -> bytes:
    return b"".join(
        bytes.fromhex(digests[name]) if name in digests else _ABSENT for name in COMPARABLE_FIELDS
    )


@dataclass(frozen=True, slots=True)
class WooEntry:
    """One shop product: its id and its field digests packed, 6 bytes a field."""

    woo_id: int
    packed: bytes
    has_images: bool = False

    @property
    def digests(self) -> FieldHashes:
        out: FieldHashes = {}
        for i, name in enumerate(COMPARABLE_FIELDS):
            chunk = self.packed[i * 6 : i * 6 + 6]
            if chunk != _ABSENT:
                out[name] = chunk.hex()
        return out


class WooIndex:
    """SKU → (Woo id, digests of the comparable fields)."""

    def __init__(self, price_decimals: int = 2) -> None:
        self._by_sku: dict[str, WooEntry] = {}
        self._by_id: dict[int, WooEntry] = {}
        self._price_decimals = price_decimals
        self.duplicate_skus: set[str] = set()

    def add(self, product: Mapping[str, Any]) -> None:
        view = woo_view(product, self._price_decimals)
        entry = WooEntry(int(product["id"]), _pack(fingerprint(view)), bool(product.get("images")))
        self._by_id[entry.woo_id] = entry
        sku = product.get("sku") or ""
        if not sku:
            return
        if sku in self._by_sku:
            self.duplicate_skus.add(sku)
        self._by_sku[sku] = entry

    def get(self, sku: str) -> WooEntry | None:
        return self._by_sku.get(sku)

    def by_woo_id(self, woo_id: int) -> WooEntry | None:
        return self._by_id.get(woo_id)

    def __len__(self) -> int:
        return len(self._by_sku)
