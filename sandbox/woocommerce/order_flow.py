"""Order status transitions and their side effects on stock, dates and notes.

As in WooCommerce core: stock is reduced once when an order reaches
processing, completed or on-hold (``wc_maybe_reduce_stock_levels``) and put
back when it is cancelled or returns to pending.  These stock writes touch
only the quantity, never the product's ``date_modified`` (a direct meta
update in ``update_product_stock``), so ``modified_after`` does not see them.
``date_paid`` is set on the first paid status, ``date_completed`` on completed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.product_view import sync_stock_status

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["ORDER_STATUSES", "STATUS_LABELS", "add_note", "change_status", "stock_owner"]

STATUS_LABELS = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "checkout-draft": "Draft",
}
ORDER_STATUSES = tuple(STATUS_LABELS)
_REDUCES = ("processing", "completed", "on-hold")
_RESTORES = ("cancelled", "pending")
_PAID = ("processing", "completed")


def add_note(
    sb: WooSandbox, order_id: int, text: str, customer_note: bool = False, by_user: bool = False
) -> dict[str, Any]:
    note = {
        "id": sb.ids.take("comment"),
        "author": "admin" if by_user else "system",
        "created": sb.clock.now(),
        "note": text,
        "customer_note": customer_note,
    }
    sb.order_notes.setdefault(order_id, []).append(note)
    return note


def stock_owner(sb: WooSandbox, line: dict[str, Any]) -> dict[str, Any] | None:
    """The product or variation whose stock a line consumes, if stock is managed."""
    variation = sb.variations.get(line.get("variation_id") or 0)
    if variation is not None and variation.get("manage_stock"):
        return variation
    product = sb.products.get(line.get("product_id") or 0)
    if product is not None and product.get("manage_stock"):
        return product
    return None


def _move_stock(sb: WooSandbox, order: dict[str, Any], sign: int) -> list[str]:
    changes = []
    for line in order.get("line_items", []):
        owner = stock_owner(sb, line)
        if owner is None:
            continue
        old = owner.get("stock_quantity") or 0
        owner["stock_quantity"] = old + sign * line["quantity"]
        sync_stock_status(owner)
        label = f"{line['name']} ({line['sku']})" if line.get("sku") else line["name"]
        changes.append(f"{label} {old}&rarr;{owner['stock_quantity']}")
    if changes:
        sb.catalog_version += 1
    return changes


def _stock_effects(sb: WooSandbox, order: dict[str, Any], status: str) -> None:
    if status in _REDUCES and not order.get("stock_reduced"):
        changes = _move_stock(sb, order, -1)
        order["stock_reduced"] = True
        if changes:
            add_note(sb, order["id"], "Stock levels reduced: " + ", ".join(changes))
    elif status in _RESTORES and order.get("stock_reduced"):
        changes = _move_stock(sb, order, +1)
        order["stock_reduced"] = False
        if changes:
            add_note(sb, order["id"], "Stock levels increased: " + ", ".join(changes))


def change_status(sb: WooSandbox, order: dict[str, Any], status: str, note: str = "") -> bool:
    """Move ``order`` to ``status`` with WooCommerce's side effects; False if unchanged."""
    old = order.get("status", "pending")
    now = sb.clock.now()
    if status in _PAID and not order.get("paid"):
        order["paid"] = now
    if status == "completed":
        order["completed"] = now
    _stock_effects(sb, order, status)
    if old == status:
        return False
    order["status"] = status
    order["modified"] = now
    labels = STATUS_LABELS.get(old, old), STATUS_LABELS.get(status, status)
    text = "Order status changed from {} to {}.".format(*labels)
    add_note(sb, order["id"], f"{note} {text}".strip())
    return True
