"""The full REST shape of an order (the body of order.* webhooks too).

Top-level keys are those observed on WooCommerce 10.0.2 (reference §13);
money is strings with two decimals except a line's ``price``, which core
renders as a JSON number.  ``tax_lines`` are aggregated per rate at render
time, ``refunds`` come from the refund records.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.links import resource_links
from sandbox.woocommerce.order_calc import rate_percent
from sandbox.woocommerce.prices import money, to_decimal

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["render_order"]

_PASSTHROUGH = (
    "id",
    "status",
    "currency",
    "version",
    "prices_include_tax",
    "customer_id",
    "order_key",
    "created_via",
    "discount_total",
    "discount_tax",
    "shipping_total",
    "shipping_tax",
    "cart_tax",
    "total",
    "total_tax",
)


def _line(sb: WooSandbox, line: dict[str, Any]) -> dict[str, Any]:
    qty = line["quantity"]
    rate = line.get("rate_id")
    taxes = (
        [{"id": rate, "total": line["total_tax"], "subtotal": line["subtotal_tax"]}] if rate else []
    )
    image = _line_image(sb, line)
    return {
        "id": line["id"],
        "name": line["name"],
        "product_id": line["product_id"],
        "variation_id": line["variation_id"],
        "quantity": qty,
        "tax_class": line.get("tax_class", ""),
        "subtotal": line["subtotal"],
        "subtotal_tax": line["subtotal_tax"],
        "total": line["total"],
        "total_tax": line["total_tax"],
        "taxes": taxes,
        "meta_data": line.get("meta_data", []),
        "sku": line.get("sku") or None,
        "global_unique_id": "",
        "price": float(to_decimal(line["total"]) / qty) if qty else 0,
        "image": image,
        "parent_name": line.get("parent_name"),
    }


def _line_image(sb: WooSandbox, line: dict[str, Any]) -> dict[str, Any]:
    product = sb.products.get(line["product_id"], {})
    images = product.get("images") or [{"id": "", "src": ""}]
    return {"id": images[0]["id"], "src": images[0]["src"]}


def _tax_totals(
    sb: WooSandbox, order: dict[str, Any]
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Cart and shipping tax per rate id."""
    cart: dict[int, Decimal] = defaultdict(Decimal)
    shipping: dict[int, Decimal] = defaultdict(Decimal)
    for line in order.get("line_items", []):
        if line.get("rate_id"):
            cart[line["rate_id"]] += to_decimal(line["total_tax"])
    _, standard = rate_percent(sb.settings, "")
    for ship in order.get("shipping_lines", []):
        if standard and to_decimal(ship.get("total_tax")):
            shipping[standard["id"]] += to_decimal(ship["total_tax"])
    return cart, shipping


def _tax_lines(sb: WooSandbox, order: dict[str, Any]) -> list[dict[str, Any]]:
    cart, shipping = _tax_totals(sb, order)
    rates = {r["id"]: r for r in sb.settings.tax_rates}
    out = []
    for rate_id in sorted(set(cart) | set(shipping)):
        rate = rates.get(rate_id, {"name": "Tax", "priority": 1, "country": "", "rate": "0"})
        parts = (rate["country"], rate["name"].upper(), str(rate["priority"]))
        out.append(
            {
                "id": order["id"] * 100 + rate_id,
                "rate_code": "-".join(p for p in parts if p),
                "rate_id": rate_id,
                "label": rate["name"],
                "compound": False,
                "tax_total": money(cart[rate_id]),
                "shipping_tax_total": money(shipping[rate_id]),
                "rate_percent": float(to_decimal(rate["rate"])),
                "meta_data": [],
            }
        )
    return out


def _shipping_lines(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": s["id"],
            "method_title": s.get("method_title", ""),
            "method_id": s.get("method_id", ""),
            "instance_id": s.get("instance_id", ""),
            "total": money(to_decimal(s.get("total"))),
            "total_tax": s.get("total_tax", "0.00"),
            "taxes": [],
            "tax_status": "taxable",
            "meta_data": [],
        }
        for s in order.get("shipping_lines", [])
    ]


def _fee_lines(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": f["id"],
            "name": f.get("name", ""),
            "tax_class": f.get("tax_class", ""),
            "tax_status": f.get("tax_status", "taxable"),
            "amount": money(to_decimal(f.get("total"))),
            "total": money(to_decimal(f.get("total"))),
            "total_tax": f.get("total_tax", "0.00"),
            "taxes": [],
            "meta_data": [],
        }
        for f in order.get("fee_lines", [])
    ]


def _parties(order: dict[str, Any]) -> dict[str, Any]:
    """Who buys and how they pay."""
    return {
        "billing": dict(order["billing"]),
        "shipping": {k: v for k, v in order["shipping"].items() if k != "email"},
        "payment_method": order.get("payment_method", ""),
        "payment_method_title": order.get("payment_method_title", ""),
        "transaction_id": order.get("transaction_id", ""),
        "customer_ip_address": order.get("customer_ip_address", ""),
        "customer_user_agent": order.get("customer_user_agent", ""),
        "customer_note": order.get("customer_note", ""),
        "cart_hash": order.get("cart_hash", ""),
    }


def _links(site: str, order: dict[str, Any]) -> dict[str, Any]:
    links = resource_links(site, f"orders/{order['id']}", "orders")
    if order.get("customer_id"):
        links["customer"] = [{"href": f"{site}/wp-json/wc/v3/customers/{order['customer_id']}"}]
    return links


def render_order(sb: WooSandbox, order: dict[str, Any], site: str) -> dict[str, Any]:
    """GET /orders/{id}."""
    clock = sb.clock
    refunds = [r for r in sb.refunds.values() if r["parent_id"] == order["id"]]
    pay = f"{site}/checkout/order-pay/{order['id']}/?pay_for_order=true&key={order['order_key']}"
    return {
        **{key: order.get(key) for key in _PASSTHROUGH},
        "parent_id": order.get("parent_id", 0),
        "number": str(order["id"]),
        "currency_symbol": sb.currency_symbol,
        **clock.pair("date_created", order.get("created")),
        **clock.pair("date_modified", order.get("modified")),
        **clock.pair("date_paid", order.get("paid")),
        **clock.pair("date_completed", order.get("completed")),
        **_parties(order),
        "meta_data": [dict(m) for m in order.get("meta_data", [])],
        "line_items": [_line(sb, line) for line in order.get("line_items", [])],
        "tax_lines": _tax_lines(sb, order),
        "shipping_lines": _shipping_lines(order),
        "fee_lines": _fee_lines(order),
        "coupon_lines": [_coupon(c) for c in order.get("coupon_lines", [])],
        "refunds": [
            {"id": r["id"], "reason": r.get("reason", ""), "total": f"-{r['amount']}"}
            for r in refunds
        ],
        "payment_url": pay,
        "is_editable": order["status"] in ("pending", "on-hold", "auto-draft", "checkout-draft"),
        "needs_payment": order["status"] in ("pending", "failed")
        and to_decimal(order.get("total")) > 0,
        "needs_processing": True,
        "_links": _links(site, order),
    }


def _coupon(coupon: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": coupon["id"],
        "code": coupon["code"],
        "discount": coupon.get("discount", "0.00"),
        "discount_tax": "0.00",
        "discount_type": coupon.get("discount_type", "fixed_cart"),
        "nominal_amount": float(to_decimal(coupon.get("amount"))),
        "free_shipping": False,
        "meta_data": [],
    }
