"""KORONA sandbox: stock feeds per warehouse and per product, and customers.

Every exchange goes through the OpenAPI contract validator.
"""

from __future__ import annotations

import httpx

from sandbox.korona import (
    ORG_STORE_ID,
    ORG_WAREHOUSE_ID,
    KoronaSandbox,
)

WAREHOUSE_STOCKS = f"/organizationalUnits/{ORG_WAREHOUSE_ID}/productStocks"


KORONA_SEED = (120, 2)  # products, rng seed of each test's fresh sandbox


def _tracked(kb: KoronaSandbox) -> list[str]:
    return [r.number for r in kb.catalog.table if r.active and r.track_inventory]


def test_warehouse_stock_list_covers_every_tracked_product(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    rows, url = [], f"{WAREHOUSE_STOCKS}?size=50"
    while url:
        page = api.get(url).json()
        rows += page["results"]
        url = page["links"].get("next")
    assert sorted(r["product"]["number"] for r in rows) == sorted(_tracked(kb))
    assert {r["warehouse"]["id"] for r in rows} == {ORG_WAREHOUSE_ID}
    by_number = {r["product"]["number"]: r["amount"]["actual"] for r in rows}
    assert all(by_number[n] == float(kb.stock_of(n)) for n in _tracked(kb))
    assert any(amount == 0 for amount in by_number.values())  # some are sold out


def test_stock_revision_feed_sees_only_the_changed_row(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    cursor = api.get(WAREHOUSE_STOCKS, params={"size": 1}).json()["maxRevision"]
    number = _tracked(kb)[4]
    kb.set_stock(number, 17)
    kb.set_stock(_tracked(kb)[5], 3, ORG_STORE_ID)  # other warehouse: not in this feed
    feed = api.get(WAREHOUSE_STOCKS, params={"revision": cursor}).json()
    assert [(r["product"]["number"], r["amount"]["actual"]) for r in feed["results"]] == [
        (number, 17)
    ]
    assert feed["maxRevision"] == cursor + 2  # revisions are per object type
    assert api.get(WAREHOUSE_STOCKS, params={"revision": feed["maxRevision"]}).status_code == 204


def test_product_stocks_across_warehouses(api: httpx.Client, kb: KoronaSandbox) -> None:
    number = _tracked(kb)[0]
    product_id = kb.product(number)["id"]
    rows = api.get(f"/products/{product_id}/stocks").json()["results"]
    assert {r["warehouse"]["id"] for r in rows} == {ORG_WAREHOUSE_ID, ORG_STORE_ID}
    untracked = next(r.id for r in kb.catalog.table if r.active and not r.track_inventory)
    assert api.get(f"/products/{untracked}/stocks").status_code == 204


def test_unknown_org_unit_is_404(api: httpx.Client) -> None:
    response = api.get("/organizationalUnits/00000000-0000-4000-8000-0000000000aa/productStocks")
    assert (response.status_code, response.json()["code"]) == (404, "MODEL_ID_NOT_FOUND")


# ---------------------------------------------------------------- customers


def test_customers_list_and_get_one(api: httpx.Client) -> None:
    page = api.get("/customers", params={"size": 10}).json()
    assert page["resultsTotal"] == 25
    first = page["results"][0]
    assert api.get(f"/customers/{first['id']}").json() == first
    assert api.get("/customers", params={"number": first["number"]}).json()["results"] == [first]


def test_customer_write_modes(api: httpx.Client) -> None:
    new = {
        "firstname": "Ida",
        "lastname": "Pfeiffer",
        "email": "ida@example.com",
        "externalId": "wc-7",
    }
    added = api.post("/customers", json=[new]).json()[0]
    assert (added["status"], added["action"]) == ("OK", "ADDED") and added["number"] == "1026"
    again = api.post("/customers", json=[{**new, "number": added["number"]}]).json()[0]
    assert again["message"].startswith("NUMBER_ALREADY_IN_USE")
    update = {"number": added["number"], "phone": "+43 660 1"}
    updated = api.post("/customers", params={"writeMode": "ADD_OR_UPDATE"}, json=[update]).json()[0]
    assert updated["action"] == "UPDATED" and updated["id"] == added["id"]
    stored = api.get(f"/customers/{added['id']}").json()
    assert (stored["email"], stored["phone"], stored["externalId"]) == (
        "ida@example.com",
        "+43 660 1",
        "wc-7",
    )
    patched = api.patch("/customers", json=[{"number": "nope", "email": "x@example.com"}]).json()
    assert patched[0]["status"] == "ERROR"


# ---------------------------------------------------------------- stock adjustments


def test_stock_adjustment_books_deltas_once(api: httpx.Client, kb: KoronaSandbox) -> None:
    number = _tracked(kb)[2]
    before = kb.stock_of(number)
    cursor = api.get(WAREHOUSE_STOCKS, params={"size": 1}).json()["maxRevision"]
    opened = api.post(
        "/stockAdjustments",
        json=[
            {"warehouse": {"id": ORG_WAREHOUSE_ID}, "reason": "webshop sync", "externalId": "r-1"}
        ],
    ).json()[0]
    assert opened["status"] == "OK"
    path = f"/stockAdjustments/{opened['id']}"
    line = {"product": {"number": number}, "amount": -2, "reason": {"type": "OTHER"}}
    assert api.post(f"{path}/items", json=[line]).json()[0]["status"] == "OK"
    assert [i["amount"] for i in api.get(f"{path}/items").json()["results"]] == [-2]
    assert kb.stock_of(number) == before  # nothing happens before booking
    assert api.patch(f"{path}/book").status_code == 204
    assert kb.stock_of(number) == before - 2
    assert api.get(path).json()["status"] == "BOOKED"
    feed = api.get(WAREHOUSE_STOCKS, params={"revision": cursor}).json()["results"]
    assert [r["product"]["number"] for r in feed] == [number]
    again = api.patch(f"{path}/book")
    assert (again.status_code, again.json()["code"]) == (405, "NOT_PERMITTED")
    booked = api.get("/stockAdjustments", params={"bookingStatus": "BOOKED"}).json()["results"]
    assert [b["id"] for b in booked] == [opened["id"]]


def test_stock_adjustment_needs_a_warehouse(api: httpx.Client) -> None:
    result = api.post("/stockAdjustments", json=[{"warehouse": {"number": "1"}}]).json()[0]
    assert result["status"] == "ERROR" and result["message"].startswith("UNRESOLVED_RELATION")
