"""Turning posted ``line_items``/``shipping_lines``/``fee_lines`` into stored lines.

Follows ``WC_REST_Orders_Controller::prepare_line_items``: a product is found
by ``sku`` first, then ``variation_id``, then ``product_id``; an id that
matches no product still creates a line (no product, zero price) as core
does; a posted ``subtotal``/``total`` overrides the computed ones.  On update
a line with an ``id`` is changed, ``quantity: 0`` removes it, a line without
``id`` is added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.product_view import price_of

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["merge_lines", "product_line"]


def _resolve(sb: WooSandbox, posted: dict[str, Any]) -> tuple[dict | None, dict | None]:
    """(product, variation) named by sku / variation_id / product_id."""
    if posted.get("sku"):
        pid = sb.sku_index.get(str(posted["sku"]), 0)
    elif posted.get("variation_id"):
        pid = int(posted["variation_id"])
    elif posted.get("product_id"):
        pid = int(posted["product_id"])
    else:
        raise WooError(
            "woocommerce_rest_required_product_reference", "Product ID or SKU is required.", 400
        )
    if pid in sb.variations:
        variation = sb.variations[pid]
        return sb.products.get(variation["parent_id"]), variation
    return sb.products.get(pid), None


def product_line(sb: WooSandbox, posted: dict[str, Any]) -> dict[str, Any]:
    """A new stored product line from a posted line item."""
    product, variation = _resolve(sb, posted)
    priced = variation or product or {}
    name = product.get("name", "") if product else str(posted.get("name", ""))
    if variation is not None:
        options = [a["option"] for a in variation.get("attributes", []) if a.get("option")]
        name = f"{name} - {', '.join(options)}" if options else name
    line = {
        "id": sb.ids.take("order_item"),
        "name": name,
        "product_id": product["id"] if product else 0,
        "variation_id": variation["id"] if variation else 0,
        "quantity": int(posted.get("quantity") or 1),
        "tax_class": priced.get("tax_class", ""),
        "unit_price": price_of(sb, priced, sb.clock.now()) if priced else "0",
        "sku": priced.get("sku", ""),
        "meta_data": list(posted.get("meta_data", [])),
        "parent_name": product.get("name") if variation and product else None,
    }
    _custom_totals(line, posted)
    return line


def _custom_totals(line: dict[str, Any], posted: dict[str, Any]) -> None:
    for key in ("subtotal", "total"):
        if posted.get(key) not in (None, ""):
            line[f"custom_{key}"] = str(posted[key])


def _changed_line(sb: WooSandbox, line: dict[str, Any], posted: dict[str, Any]) -> dict[str, Any]:
    if any(posted.get(k) for k in ("sku", "product_id", "variation_id")):
        fresh = product_line(sb, posted)
        fresh["id"] = line["id"]
        return fresh
    new = dict(line)
    if "quantity" in posted:
        new["quantity"] = int(posted["quantity"])
        new.pop("custom_subtotal", None)
        new.pop("custom_total", None)
    _custom_totals(new, posted)
    return new


def merge_lines(
    sb: WooSandbox, current: list[dict[str, Any]], posted: list[dict[str, Any]], kind: str
) -> list[dict[str, Any]]:
    """Apply posted lines of ``kind`` ('line', 'shipping', 'fee') to the current ones."""
    lines = {line["id"]: line for line in current}
    for item in posted:
        item_id = item.get("id")
        if item_id and item_id in lines:
            if kind == "line" and item.get("quantity") == 0:
                del lines[item_id]
            else:
                lines[item_id] = (
                    _changed_line(sb, lines[item_id], item)
                    if kind == "line"
                    else {**lines[item_id], **item}
                )
        elif kind == "line":
            if item.get("quantity", 1) != 0:
                line = product_line(sb, item)
                lines[line["id"]] = line
        else:
            line = {**item, "id": sb.ids.take("order_item")}
            lines[line["id"]] = line
    return list(lines.values())
