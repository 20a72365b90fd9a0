"""``OrdersService::create``, void and refund as a running 6.2.1 behaves (reference §6, §11).

* ``{}`` → 500 ``Undefined array key "customer_id"``; an unknown customer →
  500 ``Unable to find the customer using the provided id N.`` [V-run];
* a line naming ``product_id``/``sku`` needs ``unit_quantity_id``
  (``findOrFail``: a 404 model error when it names no row) [V: source];
* an unknown payment identifier → 403 [V-run];
* ``payment_status``: ``paid`` when the payments cover the total, else
  ``partially_paid``, else ``unpaid``; ``hold`` with a full payment is
  ``paid`` [V-run].  Paid and partially paid orders take stock, unpaid and
  held ones do not [V-run]; short stock → 500 with the numbers [V-run];
* the same order posted twice is two orders [V-run]: no idempotency;
* ``code`` is ``YYMMDD-NNN`` [V]; ``title`` is stored as given [V-run];
* void returns what the order took (a ``void-return`` history row) and a
  second void succeeds again without returning anything [V-run];
* refund: refused on a voided/unpaid order (403); the refund row is written
  *before* ``description`` is checked, so a failed refund leaves it [V-run].
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request

from sandbox.nexopos.state import NexoSandbox, now_text
from sandbox.nexopos.wire import error_500, forbidden, model_missing

__all__ = ["create_order", "refund_order", "refunded_of", "void_order"]

_TAKES_STOCK = frozenset({"paid", "partially_paid"})


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except ArithmeticError:
        return Decimal(0)


def _line(sb: NexoSandbox, raw: dict[str, Any], request: Request) -> dict[str, Any]:
    quantity, price = _dec(raw.get("quantity")), _dec(raw.get("unit_price"))
    line: dict[str, Any] = {
        "name": raw.get("name") or "", "quantity": float(quantity), "unit_price": float(price),
        "total_price": float(quantity * price - _dec(raw.get("discount"))),
        "product_id": None, "unit_quantity_id": None, "unit_id": raw.get("unit_id"),
        "mode": "normal",
    }  # fmt: skip
    if raw.get("product_id") is None and raw.get("sku") is None:
        return line  # a quick product
    if "unit_quantity_id" not in raw:
        raise error_500('Undefined array key "unit_quantity_id"', request)
    row = sb.unit_quantities.get(int(_dec(raw["unit_quantity_id"])))
    if row is None:
        raise model_missing("ProductUnitQuantity", raw["unit_quantity_id"])
    product = sb.products[row["product_id"]]
    line |= {"product_id": product["id"], "unit_quantity_id": row["id"], "unit_id": row["unit_id"]}
    line["name"] = line["name"] or product["name"]
    return line


def _payments(sb: NexoSandbox, raw: list[Any]) -> list[dict[str, Any]]:
    known = {p["identifier"] for p in sb.payment_types.values() if p["active"]}
    payments = []
    for item in raw:
        identifier = item.get("identifier") if isinstance(item, dict) else None
        if identifier not in known:
            raise forbidden(
                "Unable to proceed. One of the submitted payment type is not supported."
            )
        payments.append({"identifier": identifier, "value": f"{_dec(item.get('value')):.5f}"})
    return payments


def _status(total: Decimal, paid: Decimal, asked: str | None) -> str:
    if paid >= total and total >= 0 and (paid > 0 or total == 0):
        return "paid"
    if asked == "hold":
        return "hold"
    return "partially_paid" if paid > 0 else "unpaid"


def _take_stock(sb: NexoSandbox, lines: list[dict[str, Any]], request: Request) -> None:
    for line in (ln for ln in lines if ln["unit_quantity_id"]):
        row = sb.unit_quantities[line["unit_quantity_id"]]
        product = sb.products[row["product_id"]]
        if product["stock_management"] == "enabled" and row["quantity"] < line["quantity"]:
            unit = sb.units[row["unit_id"]]["name"]
            raise error_500(
                f"Unable to proceed, there is not enough stock for {product['name']} using the "
                f"unit {unit}. Requested : {line['quantity']:g}, available {row['quantity']:g}",
                request,
            )
    for line in (ln for ln in lines if ln["unit_quantity_id"]):
        _move(sb, line, "sold", -line["quantity"])


def _move(sb: NexoSandbox, line: dict[str, Any], action: str, delta: float) -> None:
    row = sb.unit_quantities[line["unit_quantity_id"]]
    before = row["quantity"]
    row["quantity"] = before + delta
    row["updated_at"] = now_text()
    sb.histories.append({
        "product_id": row["product_id"], "unit_id": row["unit_id"], "action": action,
        "before_quantity": before, "quantity": abs(delta), "after_quantity": row["quantity"],
    })  # fmt: skip


def _code(sb: NexoSandbox) -> str:
    day = datetime.now(UTC).strftime("%y%m%d")
    count = sum(1 for o in sb.orders.values() if o["code"].startswith(day)) + 1
    return f"{day}-{count:03d}"


def _customer(sb: NexoSandbox, body: dict[str, Any], request: Request) -> dict[str, Any]:
    if "customer_id" not in body:
        raise error_500('Undefined array key "customer_id"', request)
    customer = sb.users.get(int(_dec(body["customer_id"])))
    if customer is None or customer.get("role") != "customer":
        raise error_500(
            f"Unable to find the customer using the provided id {body['customer_id']}.", request
        )
    if not isinstance(body.get("type"), dict) or "identifier" not in body["type"]:
        raise error_500('Undefined array key "type"', request)
    return customer


def _totals(body: dict[str, Any], lines: list[dict[str, Any]]) -> tuple[Decimal, Decimal, Decimal]:
    """(subtotal, discount, total) as ``OrdersService`` computes them [I: no tax here]."""
    subtotal = sum((_dec(ln["total_price"]) for ln in lines), Decimal(0))
    discount = _dec(body.get("discount"))
    if body.get("discount_type") == "percentage":
        discount = subtotal * _dec(body.get("discount_percentage")) / 100
    return subtotal, discount, subtotal - discount + _dec(body.get("shipping"))


def create_order(sb: NexoSandbox, body: Any, request: Request) -> dict[str, Any]:
    body = body if isinstance(body, dict) else {}
    customer = _customer(sb, body, request)
    lines = [_line(sb, p, request) for p in body.get("products") or []]
    payments = _payments(sb, body.get("payments") or [])
    subtotal, discount, total = _totals(body, lines)
    paid = sum((_dec(p["value"]) for p in payments), Decimal(0))
    status = _status(total, paid, body.get("payment_status"))
    if status in _TAKES_STOCK:
        _take_stock(sb, lines, request)
    order_id = sb.next_id("orders")
    order = {
        "id": order_id, "code": _code(sb), "title": body.get("title"), "note": body.get("note"),
        "customer_id": customer["id"], "type": body["type"]["identifier"],
        "payment_status": status, "process_status": "pending", "delivery_status": "pending",
        "subtotal": float(subtotal), "discount": float(discount),
        "discount_type": body.get("discount_type"),
        "shipping": float(_dec(body.get("shipping"))), "total": float(total),
        "tendered": float(paid), "change": float(max(paid - total, Decimal(0))),
        "author_id": body.get("author_id") or 1, "voidance_reason": None,
        "stock_taken": status in _TAKES_STOCK, "created_at": now_text(), "updated_at": now_text(),
        "products": [ln | {"id": n + 1, "order_id": order_id} for n, ln in enumerate(lines)],
        "payments": payments, "addresses": body.get("addresses") or {},
    }  # fmt: skip
    sb.orders[order_id] = order
    return order


def order_of(sb: NexoSandbox, key: str) -> dict[str, Any]:
    key = str(key)
    order = sb.orders.get(int(key)) if key.isdigit() else None
    if order is None:
        raise model_missing("Order", key)
    return order


def void_order(sb: NexoSandbox, key: str, body: Any) -> dict[str, Any]:
    order = order_of(sb, key)
    if order["payment_status"] != "order_void" and order["stock_taken"]:
        for line in (ln for ln in order["products"] if ln["unit_quantity_id"]):
            _move(sb, line, "void-return", line["quantity"])
        order["stock_taken"] = False
    order["payment_status"] = "order_void"
    order["voidance_reason"] = (body or {}).get("reason") if isinstance(body, dict) else None
    order["updated_at"] = now_text()
    return order


def _refund_line(
    sb: NexoSandbox, order: dict[str, Any], item: Any, refund: dict[str, Any], request: Request
) -> dict[str, Any]:
    if not isinstance(item, dict) or "description" not in item:
        raise error_500('Undefined array key "description"', request)
    line = next((ln for ln in order["products"] if ln["id"] == int(_dec(item.get("id")))), None)
    if line is None:
        raise model_missing("OrderProduct", item.get("id"))
    left = line["quantity"] - refunded_of(sb, order["id"]).get(line["id"], 0.0)
    quantity = min(float(_dec(item.get("quantity"))), left)  # never more than was sold [I]
    if line["unit_quantity_id"] and order["stock_taken"]:
        _move(sb, line, "returned", quantity)
    refund["products"].append({"order_product_id": line["id"], "quantity": quantity,
                               "description": item["description"]})  # fmt: skip
    refund["total"] += quantity * float(_dec(item.get("unit_price")))
    return {
        "status": "success",
        "message": "The product has been refunded.",
        "data": {"productRefund": {"quantity": quantity}, "orderProduct": dict(line)},
    }


def refunded_of(sb: NexoSandbox, order_id: int) -> dict[int, float]:
    """Order product id -> quantity refunded so far, over every refund row of the order."""
    done: dict[int, float] = {}
    for refund in sb.refunds:
        if refund["order_id"] == order_id:
            for product in refund["products"]:
                done[product["order_product_id"]] = (
                    done.get(product["order_product_id"], 0.0) + product["quantity"]
                )
    return done


def refund_order(sb: NexoSandbox, key: str, body: Any, request: Request) -> dict[str, Any]:
    order = order_of(sb, key)
    if order["payment_status"] not in ("paid", "partially_paid", "unpaid", "partially_refunded"):
        raise forbidden("Unable to proceed a refund on an unpaid order.")
    body = body if isinstance(body, dict) else {}
    refund: dict[str, Any] = {"id": sb.next_id("refunds"), "order_id": order["id"],
                              "description": body.get("description"), "total": 0.0,
                              "products": [], "created_at": now_text()}  # fmt: skip
    sb.refunds.append(refund)  # written before anything is checked [V-run]
    if "description" not in body:
        raise error_500('Undefined array key "description"', request)
    results = []
    for item in body.get("products") or []:
        if len(results) == sb.knobs.refund_breaks_after:
            sb.knobs.refund_breaks_after = None
            raise error_500("SQLSTATE[40001]: Serialization failure: 1213 Deadlock found", request)
        results.append(_refund_line(sb, order, item, refund, request))
    refunded = sum(refunded_of(sb, order["id"]).values())
    whole = sum(ln["quantity"] for ln in order["products"])
    order["payment_status"] = "refunded" if refunded >= whole else "partially_refunded"
    return {"results": results}
