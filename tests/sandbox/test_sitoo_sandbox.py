"""The Sitoo sandbox refuses what Sitoo refuses, pages and batches as documented.

Every exchange through ``api`` is checked against the vendored OpenAPI
reconstruction; ``lax`` checks only answers (tests that send a wrong request
on purpose).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox import sitoo
from sandbox.sitoo import SitooSandbox, create_app
from tests.contract.korona import AppSlot
from tests.contract.sitoo import SitooContract

SITE = f"/sites/{sitoo.ESHOP_ID}"


@pytest.fixture
def sb(slot: tuple[str, AppSlot]) -> SitooSandbox:
    account = SitooSandbox()
    sitoo.seed(account, products=30)
    slot[1].app = create_app(account)
    return account


def _client(slot, sb, contract: SitooContract, auth=None) -> httpx.Client:
    return httpx.Client(
        base_url=f"{slot[0]}/v2/accounts/{sb.account_id}",
        auth=auth or (sb.api_id, sb.password),
        event_hooks={"response": [contract.event_hook]},
        timeout=10,
    )


@pytest.fixture
def api(slot, sb) -> Iterator[httpx.Client]:
    contract = SitooContract()
    with _client(slot, sb, contract) as client:
        yield client
    contract.assert_all_valid()


@pytest.fixture
def lax(slot, sb) -> Iterator[httpx.Client]:
    contract = SitooContract(check_requests=False)
    with _client(slot, sb, contract) as client:
        yield client
    contract.assert_all_valid()


def test_basic_auth_with_the_api_id_and_the_allow_list(slot, sb, api) -> None:
    assert api.get("/sites.json").status_code == 200
    wrong = httpx.get(f"{slot[0]}/v2/accounts/{sb.account_id}/sites.json", auth=("x", "y"))
    assert wrong.status_code == 401
    assert wrong.json()["statuscode"] == 401
    sb.allowed_ips = frozenset({"203.0.113.7"})
    refused = api.get("/sites.json")
    assert refused.status_code == 401
    assert "IP address 127.0.0.1 is not allowed" in refused.json()["errortext"]


def test_other_account_in_the_path_is_not_found(slot, sb) -> None:
    url = f"{slot[0]}/v2/accounts/1500/sites.json"
    assert httpx.get(url, auth=(sb.api_id, sb.password)).status_code == 404


def test_paging_by_start_and_num_with_totalcount_and_a_page_cap(sb, api) -> None:
    sb.knobs.page_cap = 7
    first = api.get(f"{SITE}/products.json", params={"num": 50}).json()
    total = first["totalcount"]
    assert total == len(sb.products) and len(first["items"]) == 7
    seen = []
    for start in range(0, total, 7):
        page = api.get(f"{SITE}/products.json", params={"start": start, "num": 50}).json()
        seen += [p["productid"] for p in page["items"]]
    assert seen == sorted(sb.products)
    default = api.get(f"{SITE}/products.json").json()
    assert len(default["items"]) == 7  # num defaults to 10, capped at 7


def test_batch_envelope_answers_each_item_and_refuses_bad_ones(sb, api) -> None:
    items = [
        {"sku": "NEW-1", "title": "New", "moneyprice": "12.50"},
        {"sku": "bad sku!", "title": "Spaces"},
        {"sku": "NEW-2", "title": "Comma price", "moneyprice": "12,50"},
        {"sku": "NEW-1", "title": "Duplicate"},
    ]
    answer = api.post(f"{SITE}/products.json", json=items)
    assert answer.status_code == 200
    statuses = [r["statuscode"] for r in answer.json()]
    assert statuses == [200, 400, 400, 400]
    assert sb.products[answer.json()[0]["return"]]["sku"] == "NEW-1"


def test_budget_429_reports_remaining_and_retry_after(sb, api) -> None:
    sb.quota = sitoo.Quota(limit=2, window=60)
    first = api.get("/sites.json")
    assert first.headers["X-Rate-Limit-Remaining"] == "1"
    api.get("/sites.json")
    refused = api.get("/sites.json")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    assert int(refused.headers["Retry-After"]) >= 1


def test_only_a_virtual_warehouse_takes_a_total_and_only_fifo_takes_transactions(sb, api) -> None:
    total = [{"sku": "SIT-1001", "decimaltotal": "7.000"}]
    web, store = sitoo.WAREHOUSE_WEB, sitoo.WAREHOUSE_STORE
    assert api.put(f"{SITE}/warehouses/{store}/warehouseitems.json", json=total).status_code == 400
    assert api.put(f"{SITE}/warehouses/{web}/warehouseitems.json", json=total).status_code == 200
    moved = {"warehouseid": web, "transactiontype": 10, "items": [{"sku": "SIT-1001",
             "decimalquantity": "1.000"}]}  # fmt: skip
    assert (
        api.post(f"{SITE}/warehousetransactions.json", json=[moved]).json()[0]["statuscode"] == 400
    )
    moved["warehouseid"] = store
    assert (
        api.post(f"{SITE}/warehousetransactions.json", json=[moved]).json()[0]["statuscode"] == 200
    )
    rows = api.get(
        f"{SITE}/warehouses/{web}/warehouseitems.json", params={"sku": "SIT-1001"}
    ).json()["items"]
    assert rows[0]["decimalavailable"] == "7.000"


def _order(externalid: str, **extra) -> dict:
    return {
        "ordertypeid": 10,
        "externalid": externalid,
        "currencycode": "SEK",
        "warehouseid": sitoo.WAREHOUSE_STORE,
        "orderitems": [
            {"orderitemtype": 10, "productname": "Article", "sku": "SIT-1001", "quantity": 2,
             "moneyrowprice": "100.00", "vatvalue": 25},
            {"orderitemtype": 20, "productname": "Discount", "quantity": 1,
             "moneyrowdiscount": "10.00"},
        ],
        "payments": [{"name": "Card", "moneyamount": "90.00"}],
        **extra,
    }  # fmt: skip


def test_orders_unique_externalid_lookup_cancel_and_no_delete(slot, sb, api, lax) -> None:
    oid = api.post(f"{SITE}/orders.json", json=_order("WC-1")).json()
    again = api.post(f"{SITE}/orders.json", json=_order("WC-1"))
    assert again.status_code == 400 and "already exists" in again.json()["errortext"]
    found = api.get("/orders.json", params={"externalid": "WC-1"}).json()
    assert [o["orderid"] for o in found["items"]] == [oid]
    assert found["items"][0]["moneytotal_gross_all"] == "90.00"
    cancel = {"ordertypeid": 10, "orderstateid": 20}
    assert lax.put(f"{SITE}/orders/{oid}.json", json={"orderstateid": 20}).status_code == 400
    assert api.put(f"{SITE}/orders/{oid}.json", json=cancel).json() is True
    reopen = {"ordertypeid": 10, "orderstateid": 0}
    assert api.put(f"{SITE}/orders/{oid}.json", json=reopen).status_code == 400
    url = f"{slot[0]}/v2/accounts/{sb.account_id}{SITE}/orders/{oid}.json"
    assert httpx.delete(url, auth=(sb.api_id, sb.password)).status_code == 405


def test_order_refusals(sb, api, lax) -> None:
    lone_discount = _order("WC-2")
    lone_discount["orderitems"].reverse()
    assert api.post(f"{SITE}/orders.json", json=lone_discount).status_code == 400
    assert lax.post(f"{SITE}/orders.json", json={"externalid": "x"}).status_code == 400
    bad_id = _order("wc 3 with spaces")
    assert api.post(f"{SITE}/orders.json", json=bad_id).status_code == 400
    assert sb.orders == {}


def test_variants_deliveries_and_stock(sb, api) -> None:
    main = next(p for p in sb.products.values() if p.get("variantparentid") == p["productid"])
    variants = api.get(f"{SITE}/products/{main['productid']}/productvariants.json").json()
    assert variants["groups"] == [{"name": "Size", "options": ["S", "M", "L"]}]
    assert [v["attributes"] for v in variants["variants"]] == [["S"], ["M"], ["L"]]
    store = sitoo.WAREHOUSE_STORE
    before = sb.warehouse_items[store]["SIT-1001"]["total"]
    oid = api.post(f"{SITE}/orders.json", json=_order("WC-4")).json()
    item = sb.orders[oid]["orderitems"][0]["orderitemid"]
    body = {"warehouseid": store, "orderdeliveryitems": [{"orderitemid": item, "quantity": 2}]}
    path = f"{SITE}/orders/{oid}/orderdeliveries.json"
    assert api.post(path, json=body).status_code == 200
    assert sb.warehouse_items[store]["SIT-1001"]["total"] == before - 2
    assert api.post(path, json=body).status_code == 400  # more than ordered
    assert api.get(path).json()["totalcount"] == 1
