"""``/orders/{order_id}/refunds`` and ``/orders/{order_id}/notes``.

A refund with ``api_refund`` left at its default (true) asks the payment
gateway to pay the money back; gateways without refund support (bacs,
cheque, cod) make that a 500 ``woocommerce_rest_cannot_create_order_refund``
as in ``wc_refund_payment``.  A refund bringing the remaining amount to zero
sets the order to ``refunded``; every refund fires order.updated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from sandbox.woocommerce.collection import Collection, Record
from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.links import resource_links
from sandbox.woocommerce.order_flow import add_note, change_status, stock_owner
from sandbox.woocommerce.prices import amount, money, to_decimal
from sandbox.woocommerce.product_view import sync_stock_status
from sandbox.woocommerce.schema import Field, Schema

__all__ = ["NoteCollection", "RefundCollection"]

_STR, _INT, _BOOL = Field("string"), Field("integer"), Field("boolean")


class _OrderChild(Collection):
    """A collection nested under one order (``path['order_id']``)."""

    @property
    def order(self) -> Record:
        try:
            order = self.sb.orders.get(int(self.path.get("order_id", 0)))
        except ValueError:
            order = None
        if order is None:
            raise WooError("woocommerce_rest_invalid_order_id", "Invalid order ID.", 404)
        return order

    def update(self, rec: Record, body: dict[str, Any]) -> Record:
        raise WooError(
            "rest_no_route", "No route was found matching the URL and request method.", 404
        )


class RefundCollection(_OrderChild):
    kind = "shop_order_refund"
    schema: ClassVar[Schema] = {
        "amount": _STR,
        "reason": _STR,
        "refunded_by": _INT,
        "meta_data": Field("array", items={"key": _STR}),
        "line_items": Field(
            "array", items={"id": _INT, "quantity": _INT, "refund_total": Field("number")}
        ),
        "api_refund": _BOOL,
        "api_restock": _BOOL,
    }
    trash_message = "Refunds do not support trashing."

    @property
    def records(self) -> dict[int, Record]:
        oid = self.order["id"]
        return {rid: r for rid, r in self.sb.refunds.items() if r["parent_id"] == oid}

    @property
    def route(self) -> str:
        return f"orders/{self.order['id']}/refunds"

    def render(self, rec: Record) -> dict[str, Any]:
        return {
            "id": rec["id"],
            **self.sb.clock.pair("date_created", rec["created"]),
            "amount": rec["amount"],
            "reason": rec.get("reason", ""),
            "refunded_by": rec.get("refunded_by", 0),
            "refunded_payment": rec["refunded_payment"],
            "meta_data": rec.get("meta_data", []),
            "line_items": rec.get("line_items", []),
            "shipping_lines": [],
            "tax_lines": [],
            "fee_lines": [],
            "_links": resource_links(
                self.site, f"{self.route}/{rec['id']}", self.route, up=f"orders/{self.order['id']}"
            ),
        }

    def create(self, body: dict[str, Any]) -> Record:
        order = self.order
        value = self._amount(order, body)
        if body.get("api_refund", True):
            self._gateway_refund(order)
        rec = {
            "id": self.sb.ids.take("post"),
            "parent_id": order["id"],
            "created": self.sb.clock.now(),
            "amount": money(value),
            "reason": body.get("reason", ""),
            "refunded_by": body.get("refunded_by", 1),
            "refunded_payment": bool(body.get("api_refund", True)),
            "meta_data": body.get("meta_data", []),
            "line_items": self._refund_lines(order, body.get("line_items", [])),
        }
        self.sb.refunds[rec["id"]] = rec
        if body.get("api_restock", True):
            self._restock(order, body.get("line_items", []))
        self._settle(order, value, rec)
        return rec

    def _amount(self, order: Record, body: dict[str, Any]) -> Decimal:
        if body.get("amount") not in (None, ""):
            value = to_decimal(body["amount"])
        else:
            value = sum((_line_refund(li) for li in body.get("line_items", [])), Decimal(0))
        if value <= 0:
            raise WooError(
                "woocommerce_rest_invalid_order_refund",
                "Refund amount must be greater than zero.",
                400,
            )
        if amount(value) > self._remaining(order):
            raise WooError(
                "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.", 500
            )
        return amount(value)

    def _remaining(self, order: Record) -> Decimal:
        refunded = sum((to_decimal(r["amount"]) for r in self.records.values()), Decimal(0))
        return to_decimal(order.get("total")) - refunded

    def _gateway_refund(self, order: Record) -> None:
        gateway = self.sb.settings.payment_gateways.get(order.get("payment_method", ""))
        if gateway is None:
            message = "The payment gateway for this order does not exist."
        elif "refunds" not in gateway.get("method_supports", []):
            message = "The payment gateway for this order does not support automatic refunds."
        else:
            return
        raise WooError("woocommerce_rest_cannot_create_order_refund", message, 500)

    def _refund_lines(self, order: Record, posted: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lines = {li["id"]: li for li in order["line_items"]}
        out = []
        for item in posted:
            line = lines.get(item.get("id"))
            if line is None:
                continue
            out.append(
                {
                    "id": self.sb.ids.take("order_item"),
                    "name": line["name"],
                    "product_id": line["product_id"],
                    "variation_id": line["variation_id"],
                    "quantity": -int(item.get("quantity", 0)),
                    "subtotal": money(-to_decimal(item.get("refund_total", 0))),
                    "total": money(-to_decimal(item.get("refund_total", 0))),
                    "meta_data": [{"key": "_refunded_item_id", "value": str(line["id"])}],
                }
            )
        return out

    def _restock(self, order: Record, posted: list[dict[str, Any]]) -> None:
        lines = {li["id"]: li for li in order["line_items"]}
        for item in posted:
            line, qty = lines.get(item.get("id")), int(item.get("quantity") or 0)
            owner = stock_owner(self.sb, line) if line else None
            if owner is None or qty <= 0:
                continue
            old = owner.get("stock_quantity") or 0
            owner["stock_quantity"] = old + qty
            sync_stock_status(owner)
            self.sb.catalog_version += 1
            add_note(
                self.sb,
                order["id"],
                f"Item #{line['product_id']} stock increased from {old} to {old + qty}.",
            )

    def _settle(self, order: Record, value: Decimal, rec: Record) -> None:
        order["modified"] = self.sb.clock.now()
        reason = f" – {rec['reason']}" if rec["reason"] else ""
        add_note(self.sb, order["id"], f"Refunded {money(value)}{reason}")
        if self._remaining(order) <= 0:
            change_status(self.sb, order, "refunded", "Order status set to refunded.")
        self.sb.emit("order", "updated", order["id"])


def _line_refund(item: dict[str, Any]) -> Decimal:
    taxes = sum(
        (to_decimal(t.get("refund_total", 0)) for t in item.get("refund_tax", [])), Decimal(0)
    )
    return to_decimal(item.get("refund_total", 0)) + taxes


class NoteCollection(_OrderChild):
    kind = "order_note"
    schema: ClassVar[Schema] = {"note": _STR, "customer_note": _BOOL, "added_by_user": _BOOL}
    required = ("note",)
    trash_message = "Notes do not support trashing."
    paginated = False
    default_orderby = "id"

    @property
    def records(self) -> dict[int, Record]:
        return {n["id"]: n for n in self.sb.order_notes.get(self.order["id"], [])}

    @property
    def route(self) -> str:
        return f"orders/{self.order['id']}/notes"

    def render(self, rec: Record) -> dict[str, Any]:
        return {
            "id": rec["id"],
            "author": rec["author"],
            **self.sb.clock.pair("date_created", rec["created"]),
            "note": rec["note"],
            "customer_note": rec["customer_note"],
            "_links": resource_links(
                self.site, f"{self.route}/{rec['id']}", self.route, up=f"orders/{self.order['id']}"
            ),
        }

    def create(self, body: dict[str, Any]) -> Record:
        order = self.order
        note = add_note(
            self.sb,
            order["id"],
            body["note"],
            bool(body.get("customer_note")),
            bool(body.get("added_by_user")),
        )
        if body.get("customer_note"):
            order["modified"] = self.sb.clock.now()
        return note

    def remove(self, rec: Record) -> None:
        notes = self.sb.order_notes.get(self.order["id"], [])
        self.sb.order_notes[self.order["id"]] = [n for n in notes if n["id"] != rec["id"]]
