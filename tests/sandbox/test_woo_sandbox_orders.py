"""Orders, refunds and notes over real HTTP (reference §6, §13)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from . import running_store


@pytest.fixture(scope="module")
def store():
    with running_store(products=30) as running:
        yield running


def _stocked(sb, minimum: int = 5) -> dict:
    return next(
        p
        for p in sb.products.values()
        if p.get("manage_stock")
        and p.get("stock_quantity", 0) >= minimum
        and p.get("status", "publish") == "publish"
        and p.get("type") != "variable"
    )


def test_rest_order_has_the_observed_shape_and_reduces_stock(store) -> None:
    sb, _, client = store
    product = _stocked(sb)
    before, modified = product["stock_quantity"], product["modified"]
    price = Decimal(client.get(f"products/{product['id']}").json()["price"])
    response = client.post(
        "orders",
        {
            "status": "processing",
            "payment_method": "bacs",
            "billing": {"first_name": "Eva", "email": "eva@example.com", "country": "SK"},
            "line_items": [{"product_id": product["id"], "quantity": 2}],
            "shipping_lines": [
                {"method_id": "flat_rate", "method_title": "Flat rate", "total": "5.00"}
            ],
        },
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert {
        "_links",
        "line_items",
        "tax_lines",
        "shipping_lines",
        "fee_lines",
        "coupon_lines",
        "refunds",
        "prices_include_tax",
        "needs_payment",
        "date_paid_gmt",
        "order_key",
    } <= set(order)
    assert (
        order["created_via"] == "rest-api"
        and order["payment_method_title"] == "Direct bank transfer"
    )
    line = order["line_items"][0]
    assert line["sku"] == product["sku"] and line["quantity"] == 2
    assert Decimal(line["subtotal"]) == price * 2  # prices exclude tax on this store
    rate = Decimal(
        20
        if not product.get("tax_class")
        else {"reduced-rate": 10, "zero-rate": 0}[product["tax_class"]]
    )
    assert Decimal(line["total_tax"]) == (price * 2 * rate / 100).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    parts = (
        Decimal(line["total"])
        + Decimal(line["total_tax"])
        + Decimal(order["shipping_total"])
        + Decimal(order["shipping_tax"])
    )
    assert Decimal(order["total"]) == parts
    assert all(isinstance(v, str) for v in (order["total"], order["total_tax"], line["total"]))
    assert sb.products[product["id"]]["stock_quantity"] == before - 2
    assert sb.products[product["id"]]["modified"] == modified  # sales do not bump date_modified


def test_pending_order_keeps_stock_and_completion_sets_date_completed(store) -> None:
    sb, _, client = store
    product = _stocked(sb)
    before = product["stock_quantity"]
    order = client.post("orders", {"line_items": [{"sku": product["sku"], "quantity": 1}]}).json()
    assert order["status"] == "pending" and order["date_completed"] is None
    assert sb.products[product["id"]]["stock_quantity"] == before
    done = client.put(f"orders/{order['id']}", {"status": "completed"}).json()
    assert done["status"] == "completed" and done["date_completed_gmt"] is not None
    assert done["date_paid_gmt"] is not None
    assert sb.products[product["id"]]["stock_quantity"] == before - 1
    notes = client.get(f"orders/{order['id']}/notes").json()
    assert any("Pending payment to Completed" in n["note"] for n in notes)


def test_invalid_status_is_rest_not_in_enum(store) -> None:
    _, _, client = store
    body = client.post("orders", {"status": "shipped"}).json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["details"]["status"]["code"] == "rest_not_in_enum"
    listed = client.get("orders", status="shipped").json()
    assert listed["data"]["details"]["status"]["code"] == "rest_not_in_enum"


def test_refunds_need_api_refund_false_on_offline_gateways(store) -> None:
    sb, _, client = store
    product = _stocked(sb)
    order = client.post(
        "orders",
        {
            "status": "processing",
            "payment_method": "cod",
            "line_items": [{"product_id": product["id"], "quantity": 1}],
        },
    ).json()
    gateway = client.post(f"orders/{order['id']}/refunds", {"amount": "1.00"})
    assert gateway.status_code == 500
    assert gateway.json()["code"] == "woocommerce_rest_cannot_create_order_refund"
    partial = client.post(f"orders/{order['id']}/refunds", {"amount": "1.00", "api_refund": False})
    assert partial.status_code == 201 and partial.json()["amount"] == "1.00"
    assert client.get(f"orders/{order['id']}").json()["status"] == "processing"
    rest = str(Decimal(order["total"]) - 1)
    too_much = client.post(
        f"orders/{order['id']}/refunds", {"amount": str(Decimal(rest) + 1), "api_refund": False}
    )
    assert too_much.status_code == 500
    full = client.post(
        f"orders/{order['id']}/refunds", {"amount": rest, "reason": "damaged", "api_refund": False}
    )
    assert full.status_code == 201
    final = client.get(f"orders/{order['id']}").json()
    assert final["status"] == "refunded"
    assert sorted(r["total"] for r in final["refunds"]) == sorted([f"-{rest}", "-1.00"])


def test_order_filters_modified_after_include_and_orderby_id(store) -> None:
    sb, _, client = store
    product = _stocked(sb)
    placed = [sb.place_order([(product["id"], 1)], payment_method="cod") for _ in range(3)]
    ids = [o["id"] for o in placed]
    listed = client.get("orders", include=",".join(map(str, ids)), orderby="id", order="asc").json()
    assert [o["id"] for o in listed] == ids
    assert {o["created_via"] for o in listed} == {"checkout"}
    since = placed[0]["date_created_gmt"]
    recent = client.get("orders", modified_after=since, dates_are_gmt="true", per_page=100).json()
    assert all(o["date_modified_gmt"] > since for o in recent)
    found = sb.place_order([(product["id"], 1)], customer={"email": "finder@example.com"})
    assert [o["id"] for o in client.get("orders", search="finder@").json()] == [found["id"]]
    sb.set_order_status(ids[0], "cancelled")
    assert client.get("orders", status="cancelled").json()[0]["id"] == ids[0]
    trashed = client.delete(f"orders/{ids[1]}")
    assert trashed.status_code == 200
    assert ids[1] not in [o["id"] for o in client.get("orders", per_page=100).json()]


def test_customers_and_coupons(store) -> None:
    sb, _, client = store
    created = client.post("customers", {"email": "new@example.com", "first_name": "New"})
    assert created.status_code == 201 and created.json()["username"] == "new"
    assert (
        client.post("customers", {"email": "new@example.com"}).json()["code"]
        == "registration-error-email-exists"
    )
    assert (
        client.post("customers", {"first_name": "x"}).json()["code"]
        == "rest_missing_callback_param"
    )
    assert client.delete(f"customers/{created.json()['id']}").status_code == 501
    coupon = client.post("coupons", {"code": "SUMMER", "amount": "10", "discount_type": "percent"})
    assert coupon.status_code == 201 and coupon.json()["code"] == "summer"
    product = _stocked(sb)
    order = client.post(
        "orders",
        {
            "line_items": [{"product_id": product["id"], "quantity": 2}],
            "coupon_lines": [{"code": "summer"}],
        },
    ).json()
    line = order["line_items"][0]
    assert (
        Decimal(order["discount_total"]) == Decimal(line["subtotal"]) - Decimal(line["total"]) > 0
    )


def test_store_settings_endpoints(store) -> None:
    _, _, client = store
    classes = [c["slug"] for c in client.get("taxes/classes").json()]
    assert classes == ["standard", "reduced-rate", "zero-rate"]
    assert {g["id"] for g in client.get("payment_gateways").json()} >= {
        "bacs",
        "cheque",
        "cod",
        "stripe",
        "ppcp-gateway",
    }
    assert client.post("taxes/classes", {"name": "Books"}).json()["slug"] == "books"
    assert client.delete("taxes/classes/books").status_code == 501
    assert client.delete("taxes/classes/books", force="true").status_code == 200
    assert client.get("system_status").json()["environment"]["version"] == "10.0.2"
    assert client.get("nothing/here").json()["code"] == "rest_no_route"
