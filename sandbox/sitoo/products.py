"""Product rules: what a product write must hold, and how a product reads back.

[V] sku required, unique per site, only ``[A-Za-z0-9_+-/]``; money fields
are two-decimal strings; ``variantparentid`` is null for a single product
and the main variant's id for a variant (the main variant points to
itself); PUT items need ``productid``.  [I] a product write naming a
category, VAT group (``vatid``) or manufacturer that does not exist is
refused; ``includeinactive`` (default false) hides products whose webshop
flag ``active`` is false; ``datelastmodified`` keeps products with
``datemodified`` strictly after it ("modified after the timestamp").
"""

from __future__ import annotations

from typing import Any

from sandbox.sitoo.account import SitooSandbox
from sandbox.sitoo.wire import SKU, SitooError, require_money

__all__ = ["WRITABLE", "apply_product", "product_row", "visible"]

WRITABLE = frozenset(
    {
        "sku",
        "skumanufacturer",
        "descriptionshort",
        "description",
        "moneyprice",
        "moneypriceorg",
        "moneypricein",
        "unitlabel",
        "allowdecimals",
        "deliveryinfo",
        "active",
        "activepos",
        "vatid",
        "defaultcategoryid",
        "categories",
        "manufacturerid",
        "manufacturerurl",
        "custom1",
        "custom2",
        "custom3",
        "custom4",
        "custom5",
        "stockcountenable",
        "barcode",
        "barcodealiases",
        "title",
        "productid",
    }
)
_MONEY_FIELDS = ("moneyprice", "moneypriceorg", "moneypricein")


def _check_refs(sb: SitooSandbox, item: dict[str, Any]) -> None:
    for cid in item.get("categories") or []:
        if not str(cid).isdigit() or int(cid) not in sb.categories:
            raise SitooError(400, f"categories: no category {cid}")
    vatid = item.get("vatid")
    if vatid is not None and vatid not in sb.productgroups:
        raise SitooError(400, f"vatid: no product group {vatid}")
    maker = item.get("manufacturerid")
    if maker is not None and maker not in sb.manufacturers:
        raise SitooError(400, f"manufacturerid: no manufacturer {maker}")


def validate(sb: SitooSandbox, item: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    """The fields to store for a product write, or a 400."""
    if not isinstance(item, dict):
        raise SitooError(400, "product must be an object")
    unknown = sorted(set(item) - WRITABLE)
    if unknown:
        raise SitooError(400, f"read-only or unknown fields: {', '.join(unknown)}")
    sku = item.get("sku", current["sku"] if current else None)
    if not isinstance(sku, str) or not SKU.fullmatch(sku):
        raise SitooError(400, f"sku: required, only [A-Za-z0-9_+-/] ({str(sku)[:40]!r})")
    clash = sb.product_by_sku(sku)
    if clash is not None and (current is None or clash["productid"] != current["productid"]):
        raise SitooError(400, f"sku: {sku} already exists")
    for name in _MONEY_FIELDS:
        if name in item:
            require_money(item[name], name)
    _check_refs(sb, item)
    return {k: v for k, v in item.items() if k != "productid"}


def apply_product(sb: SitooSandbox, item: Any, current: dict[str, Any] | None) -> int:
    """Create or update one product (caller holds the lock); returns its id."""
    fields = validate(sb, item, current)
    now = sb.now()
    if current is None:
        pid = sb.next_id("product")
        current = sb.products[pid] = {
            "productid": pid,
            "sku": fields["sku"],
            "title": "",
            "active": True,
            "activepos": True,
            "moneyprice": "0.00",
            "variantparentid": None,
            "categories": [],
            "datecreated": now,
        }
    current.update(fields)
    current["datemodified"] = now
    return current["productid"]


def visible(row: dict[str, Any], include_inactive: bool) -> bool:
    return include_inactive or row.get("active", True)


def product_row(sb: SitooSandbox, row: dict[str, Any]) -> dict[str, Any]:
    """A product as ``product-read`` (with ``active``, in the default field list [V])."""
    shaped = {k: v for k, v in row.items() if not k.startswith("_")}
    group = sb.productgroups.get(row.get("vatid"))
    if group is not None:
        shaped["vatvalue"] = group["value"]
    if shaped.get("variantparentid") is None:
        shaped.pop("variantparentid", None)
    return shaped
