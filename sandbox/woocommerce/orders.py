"""``/orders``: creation via REST, updates, filters and trash.

REST-created orders get ``created_via: rest-api`` and their totals computed;
reaching processing/completed/on-hold reduces stock (``order_flow``).  An
invalid ``status`` is WordPress' ``rest_invalid_param``/``rest_not_in_enum``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable
from typing import Any

from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.order_calc import calculate_totals
from sandbox.woocommerce.order_flow import ORDER_STATUSES, change_status
from sandbox.woocommerce.order_lines import merge_lines
from sandbox.woocommerce.order_schema import ADDRESS_KEYS, ORDER_SCHEMA
from sandbox.woocommerce.order_view import render_order
from sandbox.woocommerce.product_fields import merge_meta
from sandbox.woocommerce.product_filters import DateWindow
from sandbox.woocommerce.query import QueryArgs
from sandbox.woocommerce.store_settings import WC_VERSION

__all__ = ["OrderCollection", "coupon_line", "new_order"]

_SCALARS = (
    "parent_id",
    "currency",
    "customer_id",
    "customer_note",
    "payment_method",
    "payment_method_title",
    "transaction_id",
)
_LINE_KINDS = (("line_items", "line"), ("shipping_lines", "shipping"), ("fee_lines", "fee"))


def new_order(sb: Any, created_via: str) -> Record:
    """An empty pending order with WooCommerce's defaults."""
    oid = sb.ids.take("post")
    now = sb.clock.now()
    key = "".join(random.Random(oid).choices(string.ascii_letters + string.digits, k=13))
    return {
        "id": oid,
        "status": "pending",
        "currency": sb.settings.currency,
        "version": WC_VERSION,
        "prices_include_tax": sb.settings.prices_include_tax,
        "created": now,
        "modified": now,
        "order_key": f"wc_order_{key}",
        "created_via": created_via,
        "customer_id": 0,
        "billing": dict.fromkeys(ADDRESS_KEYS, ""),
        "shipping": dict.fromkeys(ADDRESS_KEYS, ""),
        "line_items": [],
        "shipping_lines": [],
        "fee_lines": [],
        "coupon_lines": [],
        "meta_data": [],
    }


class OrderCollection(Collection):
    kind = "shop_order"
    resource = "order"
    schema = ORDER_SCHEMA
    searchable = ()
    orderby = ("date", "modified", "id", "include", "title", "slug")

    @property
    def records(self) -> dict[int, Record]:
        return self.sb.orders

    @property
    def route(self) -> str:
        return "orders"

    def render(self, rec: Record) -> dict[str, Any]:
        return render_order(self.sb, rec, self.site)

    def filter(self, args: QueryArgs, recs: Iterable[Record]) -> Iterable[Record]:
        recs = _search(super().filter(args, recs), args.text("search"))
        statuses = args.choices("status", ("any", "trash", *ORDER_STATUSES)) or ["any"]
        if "any" in statuses:
            recs = (r for r in recs if r["status"] != "trash")
        else:
            wanted = set(statuses)
            recs = (r for r in recs if r["status"] in wanted)
        for name, key in (("customer", "customer_id"), ("parent", "parent_id")):
            value = args.integer(name)
            if value is not None:
                recs = (r for r in recs if r.get(key, 0) == value)
        product = args.integer("product")
        if product is not None:
            recs = (r for r in recs if any(li["product_id"] == product for li in r["line_items"]))
        return DateWindow(self.sb, args).apply(recs)

    def create(self, body: dict[str, Any]) -> Record:
        order = new_order(self.sb, "rest-api")
        status = body.get("status", "pending")
        self._apply(order, {k: v for k, v in body.items() if k not in ("status", "set_paid")})
        calculate_totals(self.sb.settings, order)
        self.records[order["id"]] = order
        if body.get("set_paid"):
            status = "processing"
            order["paid"] = self.sb.clock.now()
        change_status(self.sb, order, status)
        return order

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        new = {**rec, "billing": dict(rec["billing"]), "shipping": dict(rec["shipping"])}
        self._apply(new, {k: v for k, v in body.items() if k not in ("status", "set_paid")})
        if any(k in body for k in ("line_items", "shipping_lines", "fee_lines", "coupon_lines")):
            calculate_totals(self.sb.settings, new)
        new["modified"] = self.sb.clock.now()
        self.records[rec["id"]] = new
        if body.get("set_paid"):
            change_status(self.sb, new, "processing")
        if "status" in body:
            change_status(self.sb, new, body["status"])
        return new

    def _apply(self, order: Record, body: dict[str, Any]) -> None:
        customer = body.get("customer_id")
        if customer and customer not in self.sb.customers:
            raise WooError("woocommerce_rest_invalid_customer_id", "Customer ID is invalid.", 400)
        order.update({key: body[key] for key in _SCALARS if key in body})
        if "payment_method" in body and "payment_method_title" not in body:
            gateway = self.sb.settings.payment_gateways.get(body["payment_method"], {})
            order["payment_method_title"] = gateway.get("title", "")
        for key in ("billing", "shipping"):
            if key in body:
                posted = {k: str(v) for k, v in body[key].items() if k in ADDRESS_KEYS}
                order[key] = {**order[key], **posted}
        if "meta_data" in body:
            order["meta_data"] = merge_meta(self.sb, order["meta_data"], body["meta_data"])
        self._apply_lines(order, body)

    def _apply_lines(self, order: Record, body: dict[str, Any]) -> None:
        for key, kind in _LINE_KINDS:
            if key in body:
                order[key] = merge_lines(self.sb, order[key], body[key], kind)
        if "coupon_lines" in body:
            order["coupon_lines"] = [coupon_line(self.sb, c) for c in body["coupon_lines"]]


def _search(recs: Iterable[Record], needle: str | None) -> Iterable[Record]:
    """Order search looks at the number and the billing name, e-mail and phone."""
    if not needle:
        return recs
    needle = needle.lower()

    def hit(order: Record) -> bool:
        billing = order["billing"]
        fields = (billing["first_name"], billing["last_name"], billing["email"], billing["phone"])
        return needle == str(order["id"]) or any(needle in f.lower() for f in fields)

    return (r for r in recs if hit(r))


def coupon_line(sb: Any, posted: dict[str, Any]) -> dict[str, Any]:
    """An order coupon line for an existing coupon code (codes are lower-case)."""
    code = str(posted.get("code", "")).strip().lower()
    coupon = next((c for c in sb.coupons.values() if c["code"] == code), None)
    if coupon is None or coupon.get("status") == "trash":
        raise WooError("woocommerce_rest_invalid_coupon", f'Coupon "{code}" does not exist!', 400)
    return {
        "id": sb.ids.take("order_item"),
        "code": code,
        "discount_type": coupon.get("discount_type", "fixed_cart"),
        "amount": coupon.get("amount", "0"),
    }
