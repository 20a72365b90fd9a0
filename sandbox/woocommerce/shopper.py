"""What happens to the store outside the REST API: shoppers and shop staff.

``place_order`` is a checkout: it refuses products that cannot be bought or
lack stock, creates the order (``created_via: checkout``), fires
order.created, then moves it to its paid status (stock reduced, order.updated)
just like a payment completing.  ``set_order_status`` is staff changing the
order in wp-admin; ``edit_product`` is staff saving a product.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.order_calc import calculate_totals
from sandbox.woocommerce.order_flow import ORDER_STATUSES, change_status
from sandbox.woocommerce.order_lines import product_line
from sandbox.woocommerce.order_view import render_order
from sandbox.woocommerce.orders import coupon_line, new_order
from sandbox.woocommerce.product_view import price_of, stock_status_of
from sandbox.woocommerce.products import ProductCollection

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["GUEST", "SHOPPER", "edit_product", "place_order", "set_order_status"]

GUEST = {
    "first_name": "Jana",
    "last_name": "Nováková",
    "company": "",
    "address_1": "Hlavná 12",
    "address_2": "",
    "city": "Bratislava",
    "state": "",
    "postcode": "81101",
    "country": "SK",
    "email": "jana.novakova@example.com",
    "phone": "+421900123456",
}

SHOPPER = {
    "customer_ip_address": "203.0.113.7",
    "customer_user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
}


def _buyable(sb: WooSandbox, item_id: int, qty: int) -> dict[str, Any]:
    rec = sb.products.get(item_id) or sb.variations.get(item_id)
    if rec is None or rec.get("status", "publish") != "publish":
        raise WooError(
            "woocommerce_cart_product_does_not_exist",
            "Sorry, this product cannot be purchased.",
            400,
        )
    if price_of(sb, rec, sb.clock.now()) == "" or rec.get("type") == "variable":
        raise WooError(
            "woocommerce_cart_product_cannot_be_purchased",
            "Sorry, this product cannot be purchased.",
            400,
        )
    short = (
        rec.get("manage_stock")
        and rec.get("backorders", "no") == "no"
        and (rec.get("stock_quantity") or 0) < qty
    )
    if short or stock_status_of(sb, rec) == "outofstock":
        raise WooError(
            "woocommerce_cart_product_out_of_stock",
            "There is not enough stock for this product.",
            400,
        )
    return rec


def _billing(sb: WooSandbox, order: dict[str, Any], customer: int | dict[str, Any] | None) -> None:
    if isinstance(customer, int):
        record = sb.customers.get(customer)
        if record is None:
            raise WooError("woocommerce_rest_invalid_customer_id", "Customer ID is invalid.", 400)
        order["customer_id"] = customer
        order["billing"].update(GUEST | record.get("billing", {}) | {"email": record["email"]})
    else:
        order["billing"].update(GUEST | (customer or {}))
    order["shipping"].update({k: v for k, v in order["billing"].items() if k != "email"})


def _cart(sb: WooSandbox, order: dict[str, Any], line_items: list[tuple[int, int]]) -> None:
    for item_id, qty in line_items:
        _buyable(sb, item_id, qty)
        key = "variation_id" if item_id in sb.variations else "product_id"
        order["line_items"].append(product_line(sb, {key: item_id, "quantity": qty}))


_METHOD_TITLES = {"flat_rate": "Flat rate", "local_pickup": "Local pickup"}


def _extras(
    sb: WooSandbox,
    order: dict[str, Any],
    shipping: tuple[str | None, str],
    coupon: str | None,
) -> None:
    shipping_total, method = shipping
    if shipping_total is not None:
        title = _METHOD_TITLES.get(method, method)
        line = {"method_id": method, "method_title": title, "total": shipping_total}
        order["shipping_lines"] = [{"id": sb.ids.take("order_item"), **line}]
    if coupon:
        order["coupon_lines"] = [coupon_line(sb, {"code": coupon})]


def _backdate(order: dict[str, Any], created: int | None) -> None:
    """Demo history: move every date of the order to ``created``."""
    if created is not None:
        for key in ("created", "modified", "paid", "completed"):
            if order.get(key):
                order[key] = created


def place_order(
    sb: WooSandbox,
    line_items: list[tuple[int, int]],
    payment_method: str = "bacs",
    status: str = "processing",
    customer: int | dict[str, Any] | None = None,
    *,
    shipping_total: str | None = None,
    shipping_method: str = "flat_rate",
    coupon: str | None = None,
    customer_note: str = "",
    created: int | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    """A shopper checks out; returns the order as GET /orders/{id} shows it.

    ``currency``: the order was placed in another currency than the shop's, as a
    multi-currency plugin does (the prices are taken as given, in that currency).
    ``shipping_method``: the method id of the shipping line ``shipping_total`` adds
    (``local_pickup`` for a pick-up in the store).
    """
    if status not in ORDER_STATUSES:
        raise WooError("woocommerce_invalid_order_status", f"Invalid order status {status!r}.", 400)
    with sb.lock:
        order = new_order(sb, "checkout")
        _cart(sb, order, line_items)
        _billing(sb, order, customer)
        gateway = sb.settings.payment_gateways.get(payment_method, {})
        order.update(
            payment_method=payment_method,
            payment_method_title=gateway.get("title", payment_method),
            customer_note=customer_note,
            cart_hash=hashlib.md5(repr(line_items).encode()).hexdigest(),
            **SHOPPER,
        )
        _extras(sb, order, (shipping_total, shipping_method), coupon)
        if currency:
            order["currency"] = currency
        calculate_totals(sb.settings, order)
        sb.orders[order["id"]] = order
        sb.emit("order", "created", order["id"])
        change_status(sb, order, status)
        sb.emit("order", "updated", order["id"])  # checkout saves the new order again
        _backdate(order, created)
        return render_order(sb, order, sb.site_for())


def set_order_status(sb: WooSandbox, order_id: int, status: str, note: str = "") -> dict[str, Any]:
    """Staff changes the order status in wp-admin; fires order.updated."""
    if status not in ORDER_STATUSES:
        raise WooError("woocommerce_invalid_order_status", f"Invalid order status {status!r}.", 400)
    with sb.lock:
        order = sb.orders.get(order_id)
        if order is None:
            raise WooError("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        change_status(sb, order, status, note)
        order["modified"] = sb.clock.now()
        sb.emit("order", "updated", order_id)
        return render_order(sb, order, sb.site_for())


def edit_product(sb: WooSandbox, product_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Staff saves a product in wp-admin (date_modified moves, product.updated fires)."""
    with sb.lock:
        products = ProductCollection(sb, sb.site_for())
        new = products.update(products.find(product_id), changes)
        sb.emit("product", "updated", product_id)
        return products.render(new)
