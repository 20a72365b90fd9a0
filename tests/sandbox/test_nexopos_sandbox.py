"""The NexoPOS sandbox answers as a running NexoPOS 6.2.1 does (reference §11), over loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox.nexopos import NexoSandbox, create_app, ids, seed_store
from sandbox.server import serve_in_thread

HEADERS = {"Authorization": f"Bearer {ids.TOKEN}", "Accept": "application/json"}


@pytest.fixture
def store() -> Iterator[tuple[NexoSandbox, httpx.Client]]:
    sb = seed_store(NexoSandbox(), products=6)
    with (
        serve_in_thread(create_app(sb)) as running,
        httpx.Client(base_url=f"{running.url}/api", headers=HEADERS) as client,
    ):
        yield sb, client


def _line(sb: NexoSandbox, sku: str, quantity: int, price: float = 5.0) -> dict:
    product = next(p for p in sb.products.values() if p["sku"] == sku)
    row = sb.quantities_of(product["id"])[0]
    return {"product_id": product["id"], "unit_quantity_id": row["id"], "quantity": quantity,
            "unit_price": price}  # fmt: skip


def _order(sb: NexoSandbox, quantity: int = 1, pay: float = 5.0, **extra) -> dict:
    return {
        "customer_id": ids.WALK_IN_CUSTOMER, "type": {"identifier": "takeaway"},
        "products": [_line(sb, "NX-00001", quantity)],
        "payments": [{"identifier": "cash-payment", "value": pay * quantity}],
    } | extra  # fmt: skip


def test_auth_answers_json_401_or_an_html_500_without_accept(store) -> None:
    _, client = store
    bad = client.get("/products", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json() == {"message": "Unauthenticated."}
    html = client.get("/products", headers={"Authorization": "", "Accept": "text/html"})
    assert html.status_code == 500 and html.text.startswith("<!DOCTYPE html>")


def test_missing_permission_is_a_403_naming_it(store) -> None:
    sb, client = store
    sb.add_token("4|reader", ids.ADMIN_USER, frozenset({"nexopos.read.products"}))
    answer = client.post("/orders", json={}, headers={"Authorization": "Bearer 4|reader"})
    assert answer.status_code == 403
    assert answer.json()["status"] == "error"
    assert '"nexopos.create.orders"' in answer.json()["message"]
    granted = client.get("/user/permissions", headers={"Authorization": "Bearer 4|reader"})
    assert [p["namespace"] for p in granted.json()] == ["nexopos.read.products"]


def test_throttle_is_a_500_too_many_attempts_without_rate_headers(store) -> None:
    sb, client = store
    sb.knobs.rate_limit, sb.knobs.rate_window = 3, 30.0
    answers = [client.get("/categories") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 500]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert [a.headers.get("X-RateLimit-Remaining") for a in answers[:3]] == ["2", "1", "0"]
    over = answers[3]
    assert over.json()["message"] == "Too Many Attempts."
    assert not any(h.lower().startswith(("x-ratelimit", "retry-after")) for h in over.headers)


def test_order_create_takes_stock_and_twice_is_two_orders(store) -> None:
    sb, client = store
    before = sb.stock("NX-00001")
    first = client.post("/orders", json=_order(sb, 2, title="WC-a-1-0")).json()
    second = client.post("/orders", json=_order(sb, 2, title="WC-a-1-0")).json()
    assert first["status"] == "success" and first["message"] == "The order has been placed."
    order = first["data"]["order"]
    assert order["payment_status"] == "paid" and order["title"] == "WC-a-1-0"
    assert order["code"].count("-") == 1 and order["code"].endswith("-001")
    assert second["data"]["order"]["code"].endswith("-002")
    assert sb.stock("NX-00001") == before - 4


def test_unpaid_order_takes_no_stock_and_short_stock_is_a_500_with_numbers(store) -> None:
    sb, client = store
    before = sb.stock("NX-00001")
    unpaid = client.post("/orders", json=_order(sb, 1, pay=0)).json()["data"]["order"]
    assert unpaid["payment_status"] == "unpaid" and sb.stock("NX-00001") == before
    short = client.post("/orders", json=_order(sb, int(before) + 5))
    assert short.status_code == 500
    assert "not enough stock" in short.json()["message"]
    assert f"Requested : {int(before) + 5}, available {before:g}" in short.json()["message"]


def test_business_errors_are_500s_and_missing_models_404_without_status(store) -> None:
    sb, client = store
    assert client.post("/orders", json={}).json()["message"] == 'Undefined array key "customer_id"'
    unknown = client.post("/orders", json=_order(sb) | {"customer_id": 99999})
    assert unknown.status_code == 500
    assert unknown.json()["message"] == "Unable to find the customer using the provided id 99999."
    pay = client.post("/orders", json=_order(sb) | {"payments": [{"identifier": "x", "value": 5}]})
    assert pay.status_code == 403 and pay.json()["data"] == []
    missing = client.post("/orders/999999/void", json={"reason": "x"})
    assert missing.status_code == 404
    assert missing.json() == {"message": "No query results for model [App\\Models\\Order] 999999"}
    no_unit = _order(sb)
    del no_unit["products"][0]["unit_quantity_id"]
    assert client.post("/orders", json=no_unit).status_code == 500


def test_void_returns_stock_once_and_a_second_void_succeeds_again(store) -> None:
    sb, client = store
    before = sb.stock("NX-00001")
    order = client.post("/orders", json=_order(sb, 3)).json()["data"]["order"]
    for _ in range(2):
        answer = client.post(f"/orders/{order['id']}/void", json={"reason": "cancelled"})
        assert answer.status_code == 200 and answer.json()["status"] == "success"
    assert sb.stock("NX-00001") == before
    assert [h["action"] for h in sb.histories] == ["sold", "void-return"]
    refused = client.post(f"/orders/{order['id']}/refund", json={"description": "x"})
    assert refused.status_code == 403


def test_failed_refund_leaves_a_partial_row(store) -> None:
    sb, client = store
    order = client.post("/orders", json=_order(sb, 2)).json()["data"]["order"]
    line = order["products"][0]["id"]
    body = {"payment": {"identifier": "cash-payment"}, "products": [{"id": line, "quantity": 1}]}
    failed = client.post(f"/orders/{order['id']}/refund", json=body)
    assert failed.status_code == 500 and len(sb.refunds) == 1
    body["description"] = "one back"
    body["products"][0] |= {"description": "broken", "unit_price": 5}
    done = client.post(f"/orders/{order['id']}/refund", json=body).json()
    assert done["message"] == "The order has been successfully refunded."
    assert sb.orders[order["id"]]["payment_status"] == "partially_refunded"


def test_crud_pages_with_laravels_paginator_and_searches_titles(store) -> None:
    sb, client = store
    client.post("/orders", json=_order(sb, 1, title="WC-shop-42-0"))
    page = client.get("/crud/ns.products", params={"per_page": 4, "page": 2}).json()
    assert (page["current_page"], page["last_page"], page["total"], len(page["data"])) == (
        2, 2, 6, 2,
    )  # fmt: skip
    assert page["data"][0]["status"] == "Available" and page["data"][0]["rawType"] == "materialized"
    assert client.get("/products").json()[0]["status"] == "available"  # plain lists are raw
    found = client.get("/crud/ns.orders", params={"search": "WC-shop-42"}).json()["data"]
    assert [r["title"] for r in found] == ["WC-shop-42-0"]
    assert found[0]["total"] == "USD 5,00 "


def test_customer_create_refuses_an_administrators_email(store) -> None:
    _, client = store
    body = {"first_name": "Ann", "email": ids.ADMIN_EMAIL, "username": ids.ADMIN_EMAIL}
    answer = client.post("/customers", json=body)
    assert answer.status_code == 500 and "Duplicate entry" in answer.json()["message"]
    no_user = client.post("/customers", json={"first_name": "Bo", "email": "bo@x.test"})
    assert "username" in no_user.json()["message"]
