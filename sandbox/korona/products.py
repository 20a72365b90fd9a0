"""One KORONA product: a compact row, its JSON form, and how writes merge.

Products are the one resource that must scale to 100 000 objects, so the
common fields live in a slotted row (sector/group/price groups as ids,
prices as Decimal) and only rarer schema fields (descriptions, mediaUrls,
customProperties, …) sit in a per-product ``extra`` dict.  The JSON form is
built on demand when a page is rendered.

Write semantics ([V] spec wording, [I] details):

* ``ADD_OR_UPDATE`` overwrites the non-null fields it is given;
  ``ADD_OR_REPLACE`` overwrites all fields (absent ones are cleared);
  ``mergeListItems=true`` merges ``prices``/``codes`` by key instead of
  replacing the lists.
* References (``sector``, ``commodityGroup``, ``prices[].priceGroup``) must
  name existing objects by id or number, else ``UNRESOLVED_RELATION``.
* ``active`` is false only for deleted products; ``deactivated`` is the
  back-office switch.  A deleted product loses its ``number`` in responses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from sandbox.korona.masterdata import MasterData
from sandbox.korona.wire import KoronaError, decimal_field

__all__ = [
    "PriceRow",
    "ProductRow",
    "merge_fields",
    "product_json",
    "row_from_fields",
    "writable_json",
]

_READ_ONLY = ("id", "revision", "active")
_SLOT_FIELDS = (
    "number",
    "name",
    "sector",
    "commodityGroup",
    "prices",
    "codes",
    "deactivated",
    "trackInventory",
    "packagingUnit",
)
DEFAULT_VALID_FROM = "2024-01-01T00:00:00Z"


class PriceRow(NamedTuple):
    price_group_id: str
    value: Decimal
    valid_from: str | None = DEFAULT_VALID_FROM
    org_unit_id: str | None = None


class ProductRow:
    """The stored state of one product (see module docstring for why slots)."""

    __slots__ = (
        "active",
        "codes",
        "deactivated",
        "extra",
        "group_id",
        "id",
        "name",
        "number",
        "packaging_unit",
        "prices",
        "revision",
        "sector_id",
        "track_inventory",
    )

    def __init__(
        self,
        id: str,
        number: str,
        name: str,
        *,
        sector_id: str | None = None,
        group_id: str | None = None,
        prices: tuple[PriceRow, ...] | list[PriceRow] = (),
        codes: tuple[str, ...] | list[str] = (),
        deactivated: bool = False,
        track_inventory: bool = True,
        packaging_unit: str = "PIECE",
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.id = id
        self.number = number
        self.name = name
        self.revision = 0
        self.active = True
        self.sector_id = sector_id
        self.group_id = group_id
        self.prices = tuple(prices)
        self.codes = tuple(codes)
        self.deactivated = deactivated
        self.track_inventory = track_inventory
        self.packaging_unit = packaging_unit
        self.extra = extra

    def price(self, price_group_id: str) -> Decimal | None:
        return next((p.value for p in self.prices if p.price_group_id == price_group_id), None)


def _price_json(price: PriceRow, master: MasterData) -> dict[str, Any]:
    body: dict[str, Any] = {
        "value": price.value,
        "priceGroup": master.reference("priceGroups", price.price_group_id),
    }
    if price.valid_from:
        body["validFrom"] = price.valid_from
    if price.org_unit_id:
        body["organizationalUnit"] = master.reference("organizationalUnits", price.org_unit_id)
    return body


def product_json(row: ProductRow, master: MasterData) -> dict[str, Any]:
    """The product as the API returns it."""
    body: dict[str, Any] = dict(row.extra or {})
    body.update(
        id=row.id,
        revision=row.revision,
        active=row.active,
        name=row.name,
        deactivated=row.deactivated,
        trackInventory=row.track_inventory,
        packagingUnit=row.packaging_unit,
        codes=[{"productCode": code} for code in row.codes],
        prices=[_price_json(p, master) for p in row.prices],
    )
    if row.active:
        body["number"] = row.number
    if row.sector_id:
        body["sector"] = master.reference("sectors", row.sector_id)
    if row.group_id:
        body["commodityGroup"] = master.reference("commodityGroups", row.group_id)
    return body


def _writable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in _READ_ONLY}


def _merge_list(old: list[Any], new: list[Any], key: Any) -> list[Any]:
    merged = {key(item): item for item in old}
    merged.update({key(item): item for item in new})
    return list(merged.values())


def _price_key(price: dict[str, Any]) -> tuple[Any, ...]:
    group = price.get("priceGroup") or {}
    return (group.get("id") or group.get("number"), price.get("validFrom"))


def merge_fields(
    current: dict[str, Any] | None, incoming: dict[str, Any], mode: str, merge_lists: bool
) -> dict[str, Any]:
    """The writable fields after applying ``incoming`` with ``mode``."""
    incoming = _writable(incoming)
    if current is None or mode == "ADD_OR_REPLACE":
        merged = dict(incoming)
        if current is not None:
            merged.setdefault("number", current.get("number"))
        return merged
    merged = _writable(current)
    for key, value in incoming.items():
        if value is None:
            continue
        if merge_lists and key == "prices":
            value = _merge_list(merged.get("prices", []), value, _price_key)
        elif merge_lists and key == "codes":
            value = _merge_list(merged.get("codes", []), value, lambda c: c.get("productCode"))
        merged[key] = value
    return merged


def _prices(items: Any, master: MasterData) -> list[PriceRow]:
    rows = []
    for i, price in enumerate(items or []):
        field = f"prices[{i}]"
        if not isinstance(price, dict) or "value" not in price:
            raise KoronaError(400, "INVALID_MODEL_PROPERTY", f"{field}.value is required")
        group = master.resolve("priceGroups", price.get("priceGroup"), f"{field}.priceGroup")
        if group is None:
            raise KoronaError(400, "INVALID_MODEL_PROPERTY", f"{field}.priceGroup is required")
        org = master.resolve("organizationalUnits", price.get("organizationalUnit"), field)
        value = decimal_field(price["value"], f"{field}.value")
        rows.append(PriceRow(group, value, price.get("validFrom"), org))
    return rows


def row_from_fields(id: str, fields: dict[str, Any], master: MasterData) -> ProductRow:
    """Build the stored row from writable JSON fields, resolving references."""
    if not fields.get("name"):
        raise KoronaError(400, "INVALID_MODEL_PROPERTY", "name is required")
    codes = [c.get("productCode") for c in fields.get("codes") or [] if isinstance(c, dict)]
    extra = {k: v for k, v in fields.items() if k not in _SLOT_FIELDS and v is not None}
    return ProductRow(
        id,
        str(fields["number"]),
        str(fields["name"]),
        sector_id=master.resolve("sectors", fields.get("sector"), "sector"),
        group_id=master.resolve("commodityGroups", fields.get("commodityGroup"), "commodityGroup"),
        prices=_prices(fields.get("prices"), master),
        codes=[str(c) for c in codes if c],
        deactivated=bool(fields.get("deactivated", False)),
        track_inventory=bool(fields.get("trackInventory", True)),
        packaging_unit=fields.get("packagingUnit") or "PIECE",
        extra=extra or None,
    )


def writable_json(row: ProductRow, master: MasterData) -> dict[str, Any]:
    """The stored product as writable fields, the base a partial write merges into."""
    return _writable(product_json(row, master))
