"""Writing product and variation fields the way WooCommerce's setters do.

Only fields that differ from the rendered default are kept in the record.
SKUs are unique across products and variations (a trashed product's SKU
can't be reused either: it stays in the lookup table), ``tax_class`` is
slugged and an unknown class stored as standard (``""``),
prices go through ``wc_format_decimal``, and when stock is not managed the
quantity and backorders are cleared as ``validate_props`` does on save.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.collection import Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.prices import format_decimal
from sandbox.woocommerce.product_view import sync_stock_status
from sandbox.woocommerce.schema import Field, Schema
from sandbox.woocommerce.text import sanitize_title

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["SHARED_SCHEMA", "apply_shared_fields", "merge_meta", "release_sku", "set_plain"]

_STR, _INT, _BOOL = Field("string"), Field("integer"), Field("boolean")
_DATE = Field("string", nullable=True)
_META = {"key": _STR}

SHARED_SCHEMA: Schema = {
    "description": _STR,
    "sku": _STR,
    "global_unique_id": _STR,
    "regular_price": _STR,
    "sale_price": _STR,
    "date_on_sale_from": _DATE,
    "date_on_sale_from_gmt": _DATE,
    "date_on_sale_to": _DATE,
    "date_on_sale_to_gmt": _DATE,
    "status": Field("string", ("draft", "pending", "private", "publish")),
    "virtual": _BOOL,
    "downloadable": _BOOL,
    "tax_status": Field("string", ("taxable", "shipping", "none")),
    "tax_class": _STR,
    "manage_stock": _BOOL,
    "stock_quantity": Field("integer", nullable=True),
    "stock_status": Field("string", ("instock", "outofstock", "onbackorder")),
    "backorders": Field("string", ("no", "notify", "yes")),
    "low_stock_amount": Field("integer", nullable=True),
    "weight": _STR,
    "dimensions": Field("object", props={"length": _STR, "width": _STR, "height": _STR}),
    "shipping_class": _STR,
    "menu_order": _INT,
    "meta_data": Field("array", items=_META),
}
_PLAIN = (
    "description",
    "virtual",
    "downloadable",
    "tax_status",
    "tax_class",
    "weight",
    "shipping_class",
    "menu_order",
    "low_stock_amount",
)
_DEFAULTS: dict[str, Any] = {
    "description": "",
    "global_unique_id": "",
    "virtual": False,
    "downloadable": False,
    "tax_status": "taxable",
    "tax_class": "",
    "weight": "",
    "shipping_class": "",
    "menu_order": 0,
    "low_stock_amount": None,
}


def set_plain(rec: Record, key: str, value: Any, default: Any = None) -> None:
    """Store a written field; records hold only what was ever written (compact).

    ``default`` documents what the renderer shows while the field is absent.
    """
    rec[key] = value


def apply_shared_fields(sb: WooSandbox, rec: Record, body: dict[str, Any]) -> None:
    """Apply the fields products and variations share; raises on a duplicate SKU."""
    for key in _PLAIN:
        if key in body:
            set_plain(rec, key, body[key], _DEFAULTS[key])
    if "tax_class" in body:
        rec["tax_class"] = _tax_class_slug(sb, body["tax_class"])
    # WooCommerce's REST controller sets the SKU before the GTIN: a duplicate SKU is
    # what a replayed create hears first.  Both are checked before either is claimed,
    # so a refused GTIN leaves the SKU free for the retry.
    if "sku" in body:
        _check_sku(sb, rec, str(body["sku"]).strip())
    if "global_unique_id" in body:
        _set_global_unique_id(sb, rec, str(body["global_unique_id"] or ""))
    if "sku" in body:
        _set_sku(sb, rec, str(body["sku"]).strip())
    for key in ("regular_price", "sale_price"):
        if key in body:
            set_plain(rec, key, format_decimal(body[key]), "")
    if "status" in body:
        set_plain(rec, "status", body["status"], "publish")
    if "dimensions" in body:
        dims = {**rec.get("dimensions", {}), **body["dimensions"]}
        rec["dimensions"] = {k: str(dims.get(k, "")) for k in ("length", "width", "height")}
    if "meta_data" in body:
        rec["meta_data"] = merge_meta(sb, rec.get("meta_data", []), body["meta_data"])
    _apply_sale_dates(sb, rec, body)
    _apply_stock(rec, body)


def _tax_class_slug(sb: WooSandbox, value: Any) -> str:
    """``WC_Product::set_tax_class``: slugged; ``standard`` or an unknown class -> ``""``."""
    slug = sanitize_title(str(value or ""))
    known = {c["slug"] for c in sb.settings.tax_classes}
    return slug if slug in known and slug != "standard" else ""


def _apply_stock(rec: Record, body: dict[str, Any]) -> None:
    if "manage_stock" in body:
        set_plain(rec, "manage_stock", bool(body["manage_stock"]), False)
    if "backorders" in body:
        set_plain(rec, "backorders", body["backorders"], "no")
    if "stock_quantity" in body and body["stock_quantity"] is not None:
        rec["stock_quantity"] = int(body["stock_quantity"])
    if "stock_status" in body:
        set_plain(rec, "stock_status", body["stock_status"], "instock")
    if not rec.get("manage_stock"):
        rec.pop("stock_quantity", None)
        if "backorders" in rec:
            rec["backorders"] = "no"
    else:
        rec.setdefault("stock_quantity", 0)
        sync_stock_status(rec)


def _apply_sale_dates(sb: WooSandbox, rec: Record, body: dict[str, Any]) -> None:
    for name, key in (("date_on_sale_from", "sale_from"), ("date_on_sale_to", "sale_to")):
        for field_name, gmt in ((name, False), (f"{name}_gmt", True)):
            if field_name in body:
                set_plain(rec, key, sb.clock.parse_body_date(body[field_name], gmt), None)


def _check_sku(sb: WooSandbox, rec: Record, sku: str) -> None:
    """``WC_Product::set_sku``'s refusals: held by a trashed product, or by another one."""
    if sku == rec.get("sku", ""):
        return
    owner = sb.sku_index.get(sku) if sku else None
    if owner is not None and owner != rec.get("id") and _trashed(sb, owner):
        raise WooError(
            "woocommerce_rest_product_not_created",
            f"The SKU ({sku}) you are trying to insert is already present in the lookup table.",
            400,
        )
    if owner is not None and owner != rec.get("id"):
        raise WooError(
            "product_invalid_sku",
            "Invalid or duplicated SKU.",
            400,
            resource_id=owner,
            unique_sku=_unique_sku(sb, sku),
        )


def _set_sku(sb: WooSandbox, rec: Record, sku: str) -> None:
    if sku == rec.get("sku", ""):
        return
    _check_sku(sb, rec, sku)
    release_sku(sb, rec)
    set_plain(rec, "sku", sku, "")
    if sku and "id" in rec:
        sb.sku_index[sku] = rec["id"]


def _set_global_unique_id(sb: WooSandbox, rec: Record, value: str) -> None:
    """``WC_Product::set_global_unique_id`` (WooCommerce 9.2+): the GTIN/UPC/EAN/ISBN.

    Characters other than digits and "-" are dropped (an ISBN-10 may end in
    X), then a value another product or variation already holds is refused
    with 400 ``product_invalid_global_unique_id`` and the holder's id, as
    ``wc_product_has_global_unique_id`` does; trashed posts don't count.
    """
    value = re.sub(r"[^0-9\-Xx]", "", value)
    owner = _gtin_owner(sb, value, rec.get("id")) if value else None
    if owner is not None:
        raise WooError(
            "product_invalid_global_unique_id",
            "Invalid or duplicated GTIN, UPC, EAN or ISBN.",
            400,
            resource_id=owner,
        )
    set_plain(rec, "global_unique_id", value, "")
    if value and "id" in rec:
        sb.gtin_index.setdefault(value, set()).add(rec["id"])


def _gtin_owner(sb: WooSandbox, value: str, own_id: Any) -> int | None:
    """Another live record holding ``value`` (the lookup table's query, by index).

    Index entries are only candidates: each is checked against the record as
    it is now, so a deleted, trashed or changed one simply doesn't match.
    """
    for rid in sorted(sb.gtin_index.get(value, ())):
        other = sb.products.get(rid) or sb.variations.get(rid) or {}
        held = other.get("global_unique_id") == value and other.get("status") != "trash"
        if held and rid != own_id:
            return rid
    return None


def _trashed(sb: WooSandbox, owner: int) -> bool:
    """``wc_product_has_unique_sku`` ignores trashed posts; the lookup table does not."""
    return sb.products.get(owner, {}).get("status") == "trash"


def release_sku(sb: WooSandbox, rec: Record) -> None:
    """Free the record's SKU (permanent deletion)."""
    sku = rec.get("sku")
    if sku and sb.sku_index.get(sku) == rec.get("id"):
        del sb.sku_index[sku]


def _unique_sku(sb: WooSandbox, sku: str) -> str:
    index = 1
    while f"{sku}-{index}" in sb.sku_index:
        index += 1
    return f"{sku}-{index}"


def merge_meta(sb: WooSandbox, current: list[dict], changes: list[dict]) -> list[dict]:
    """``update_meta_data`` semantics: by id if given, else by key, else append."""
    merged = [dict(m) for m in current]
    for change in changes:
        target = next((m for m in merged if "id" in change and m["id"] == change["id"]), None)
        target = target or next((m for m in merged if m["key"] == change.get("key")), None)
        if target is not None:
            target["value"] = change.get("value")
        elif change.get("key"):
            merged.append(
                {"id": sb.ids.take("meta"), "key": change["key"], "value": change.get("value")}
            )
    return merged
