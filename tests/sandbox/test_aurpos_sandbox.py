"""The Ultimate POS Connector sandbox (AurPOS) refuses and answers as the reference says.

Over a real loopback socket: Passport tokens (password and refresh grants,
expiry, 401), per_page paging, the /public switch and the wrapped shape,
sells in a batch with per-element errors, draft vs final stock, the delete
that answers success for a missing id, sell returns (stock back, no more than
was sold, the sale no longer deletable), the source filter, contacts' required
mobile, and the fault knobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from sandbox.aurpos import DEMO_CLIENT, DEMO_USER, AurposSandbox, create_app, seed_demo
from sandbox.server import serve_in_thread

API = "/connector/api"


@pytest.fixture
def sb() -> AurposSandbox:
    return seed_demo(AurposSandbox(), products=12)


@pytest.fixture
def http(sb: AurposSandbox) -> Iterator[httpx.Client]:
    with (
        serve_in_thread(create_app(sb)) as running,
        httpx.Client(base_url=running.url, headers={"Accept": "application/json"}) as client,
    ):
        yield client


def _token(http: httpx.Client, prefix: str = "", **form: str) -> httpx.Response:
    data = {
        "grant_type": "password", "client_id": DEMO_CLIENT.id,
        "client_secret": DEMO_CLIENT.secret, "username": DEMO_USER.username,
        "password": DEMO_USER.password, "scope": "",
    } | form  # fmt: skip
    return http.post(f"{prefix}/oauth/token", data=data)


def _auth(http: httpx.Client, prefix: str = "") -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(http, prefix).json()['access_token']}"}


def _line(sb: AurposSandbox, product_id: int, quantity: int = 1) -> dict:
    variation = sb.products[product_id]["product_variations"][0]["variations"][0]
    return {"product_id": product_id, "variation_id": variation["id"], "quantity": quantity}


def test_password_grant_refresh_and_expiry(sb: AurposSandbox, http: httpx.Client) -> None:
    sb.knobs.update(token_ttl=0)
    pair = _token(http).json()
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 0
    expired = http.get(f"{API}/tax", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert expired.status_code == 401 and expired.json() == {"message": "Unauthenticated."}
    sb.knobs.update(token_ttl=600)
    fresh = _token(http, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert fresh.status_code == 200
    again = _token(http, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"
    ok = http.get(f"{API}/tax", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"})
    assert ok.status_code == 200


def test_token_refusals(http: httpx.Client) -> None:
    assert _token(http, client_secret="wrong").status_code == 401
    bad_user = _token(http, password="wrong")
    assert bad_user.status_code == 400 and bad_user.json()["error"] == "invalid_grant"
    assert http.get(f"{API}/product").status_code == 401


def test_per_page_paging_and_minus_one(sb: AurposSandbox, http: httpx.Client) -> None:
    headers = _auth(http)
    first = http.get(f"{API}/product", params={"per_page": 5}, headers=headers).json()
    assert len(first["data"]) == 5 and first["meta"]["total"] == 13
    assert first["meta"]["last_page"] == 3 and first["links"]["next"]
    default = http.get(f"{API}/product", headers=headers).json()
    assert default["meta"]["per_page"] == 10
    everything = http.get(f"{API}/product", params={"per_page": -1}, headers=headers).json()
    assert set(everything) == {"data"} and len(everything["data"]) == 13


def test_location_filter_and_per_location_stock(sb: AurposSandbox, http: httpx.Client) -> None:
    rows = http.get(
        f"{API}/product", params={"per_page": -1, "location_id": 2}, headers=_auth(http)
    ).json()["data"]
    assert rows and all(2 in [p["id"] for p in r["product_locations"]] for r in rows)
    assert len(rows) < len(sb.products)


def test_public_prefix_switch(sb: AurposSandbox, http: httpx.Client) -> None:
    sb.public_prefix = True
    assert _token(http).status_code == 404
    assert _token(http).headers["content-type"].startswith("text/html")
    headers = _auth(http, "/public")
    assert http.get(f"/public{API}/tax", headers=headers).status_code == 200
    assert http.get(f"{API}/tax", headers=headers).status_code == 404


def test_wrapped_shape(sb: AurposSandbox, http: httpx.Client) -> None:
    sb.wrapped = True
    body = http.get(f"{API}/business-location", headers=_auth(http)).json()
    assert body["success"] is True and [r["id"] for r in body["data"]] == [1, 2]


def test_batch_sells_per_element_errors_and_stock(sb: AurposSandbox, http: httpx.Client) -> None:
    variation = _line(sb, 1)["variation_id"]
    before = sb.stock(variation, 1)
    sells = [
        {"location_id": 1, "contact_id": 1, "invoice_no": "W1", "products": [_line(sb, 1, 2)]},
        {"location_id": 99, "contact_id": 1, "products": [_line(sb, 1)]},
        {"location_id": 1, "contact_id": 1, "status": "draft", "products": [_line(sb, 1, 1)]},
    ]
    answer = http.post(f"{API}/sell", json={"sells": sells}, headers=_auth(http))
    assert answer.status_code == 200
    final, failed, draft = answer.json()
    assert final["invoice_no"] == "W1" and final["status"] == "final"
    assert "BusinessLocation" in failed["original"]["error"]["message"]
    assert draft["status"] == "draft"
    assert sb.stock(variation, 1) == before - 2


def test_totals_are_recomputed_with_round_off(sb: AurposSandbox, http: httpx.Client) -> None:
    line = _line(sb, 1, 3) | {"unit_price": "1.99", "tax_rate_id": 1}
    sell = {"location_id": 1, "contact_id": 1, "products": [line], "round_off_amount": "-0.01",
            "shipping_charges": "4.00", "final_total": "1.00"}  # fmt: skip
    (row,) = http.post(f"{API}/sell", json={"sells": [sell]}, headers=_auth(http)).json()
    assert Decimal(row["sell_lines"][0]["unit_price_inc_tax"]) == Decimal("2.388")
    assert Decimal(row["final_total"]) == Decimal("2.388") * 3 + 4 - Decimal("0.01")


def test_draft_made_final_takes_stock(sb: AurposSandbox, http: httpx.Client) -> None:
    headers = _auth(http)
    variation = _line(sb, 2)["variation_id"]
    before = sb.stock(variation, 1)
    sell = {"location_id": 1, "contact_id": 1, "status": "draft", "products": [_line(sb, 2, 1)]}
    (row,) = http.post(f"{API}/sell", json={"sells": [sell]}, headers=headers).json()
    assert sb.stock(variation, 1) == before
    http.put(f"{API}/sell/{row['id']}", json={"status": "final"}, headers=headers)
    assert sb.stock(variation, 1) == before - 1


def test_delete_succeeds_for_missing_and_refuses_after_return(
    sb: AurposSandbox, http: httpx.Client
) -> None:
    headers = _auth(http)
    assert http.delete(f"{API}/sell/4242", headers=headers).json()["success"] is True
    sell = {"location_id": 1, "contact_id": 1, "products": [_line(sb, 1)]}
    (row,) = http.post(f"{API}/sell", json={"sells": [sell]}, headers=headers).json()
    sb.returns.add(row["id"])
    refused = http.delete(f"{API}/sell/{row['id']}", headers=headers)
    assert refused.status_code == 200 and refused.json()["success"] is False


def test_sell_return_puts_stock_back_refuses_beyond_the_sale_and_blocks_delete(
    sb: AurposSandbox, http: httpx.Client
) -> None:
    headers = _auth(http)
    variation = _line(sb, 1)["variation_id"]
    sell = {"location_id": 1, "contact_id": 1, "products": [_line(sb, 1, 3)]}
    (row,) = http.post(f"{API}/sell", json={"sells": [sell]}, headers=headers).json()
    before = sb.stock(variation, 1)
    line = row["sell_lines"][0]["id"]

    def give_back(quantity: int, sell_id: int = row["id"], line_id: int = line) -> httpx.Response:
        body = {"transaction_id": sell_id, "invoice_no": "R1",
                "products": [{"sell_line_id": line_id, "quantity": quantity,
                              "unit_price_inc_tax": "2.00"}]}  # fmt: skip
        return http.post(f"{API}/sell-return", json=body, headers=headers)

    assert give_back(2).status_code == 201
    assert sb.stock(variation, 1) == before + 2
    assert give_back(2).status_code == 422  # one is left to return, not two
    assert give_back(1, line_id=4242).status_code == 422  # not a line of this sale
    assert give_back(1, sell_id=4242).status_code == 404
    (listed,) = http.get(f"{API}/list-sell-return", headers=headers).json()["data"]
    assert listed["return_parent_id"] == row["id"] and listed["invoice_no"] == "R1"
    refused = http.delete(f"{API}/sell/{row['id']}", headers=headers)
    assert refused.json()["success"] is False  # a sale with a return stays


def test_source_woocommerce_filter_does_not_find_api_sells(
    sb: AurposSandbox, http: httpx.Client
) -> None:
    headers = _auth(http)
    sell = {"location_id": 1, "contact_id": 1, "source": "woocommerce", "products": [_line(sb, 1)]}
    http.post(f"{API}/sell", json={"sells": [sell]}, headers=headers)
    by_source = http.get(f"{API}/sell", params={"source": "woocommerce"}, headers=headers)
    assert by_source.json()["data"] == []
    assert len(http.get(f"{API}/sell", headers=headers).json()["data"]) == 1


def test_contact_needs_mobile_and_search_is_like(http: httpx.Client) -> None:
    headers = _auth(http)
    refused = http.post(f"{API}/contactapi", json={"type": "customer", "first_name": "A"},
                        headers=headers)  # fmt: skip
    assert refused.status_code == 422 and "mobile" in refused.json()["errors"]
    for code in ("WC-1", "WC-12"):
        body = {"type": "customer", "first_name": "A", "mobile": "0", "contact_id": code}
        assert http.post(f"{API}/contactapi", json=body, headers=headers).status_code == 201
    found = http.get(f"{API}/contactapi", params={"contact_id": "WC-1"}, headers=headers).json()
    assert {c["contact_id"] for c in found["data"]} == {"WC-1", "WC-12"}


def test_fault_knobs(sb: AurposSandbox, http: httpx.Client) -> None:
    headers = _auth(http)
    sb.knobs.update(outages=1)
    assert http.get(f"{API}/tax", headers=headers).status_code == 503
    assert http.get(f"{API}/tax", headers=headers).status_code == 200
    sb.knobs.update(token_html=True)
    page = _token(http)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_permissions_refuse_with_403(sb: AurposSandbox, http: httpx.Client) -> None:
    sb.users[DEMO_USER.username].permissions = frozenset()
    answer = http.get(f"{API}/sell", headers=_auth(http))
    assert answer.status_code == 403 and answer.json() == {
        "error": {"message": "Unauthorized action."}
    }
