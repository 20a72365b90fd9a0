"""KORONA sandbox: POS coupling, receipts, duplicates, reversals, stock effects.

Every exchange goes through the OpenAPI contract validator.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from sandbox.korona import (
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    ORG_OFFICE_ID,
    ORG_STORE_ID,
    ORG_WAREHOUSE_ID,
    PAYMENT_WEBSHOP_ID,
    POS_TILL_ID,
    POS_WEBSHOP_ID,
    SALES_TAX_REDUCED_ID,
    KoronaSandbox,
)
from tests.contract.korona import AppSlot, KoronaContract, korona_client

AUTH = (DEFAULT_USER, DEFAULT_PASSWORD)
WEBSHOP_RECEIPTS = f"/pointsOfSale/{POS_WEBSHOP_ID}/receipts"


KORONA_SEED = (60, 11)  # products, rng seed of each test's fresh sandbox


@pytest.fixture
def coupled(api: httpx.Client) -> str:
    assert (
        api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "shop-1"}).status_code
        == 204
    )
    return "shop-1"


def _tracked_number(kb: KoronaSandbox) -> str:
    return next(
        r.number
        for r in kb.catalog.table
        if r.active and r.track_inventory and kb.stock_of(r.number) and kb.stock_of(r.number) > 3
    )


def receipt(
    number: str | None, product: str, qty: int = 1, price: str = "11.00", **extra: object
) -> dict:
    """A webshop sale of ``qty`` x ``product`` at a 10 % VAT-inclusive ``price``."""
    gross = Decimal(price) * qty
    tax = (gross - gross / Decimal("1.1")).quantize(Decimal("0.01"))
    body: dict = {
        "orderNumber": f"WC-{number}",
        "items": [
            {
                "product": {"number": product},
                "quantity": qty,
                "total": {
                    "base": float(gross),
                    "gross": float(gross),
                    "net": float(gross - tax),
                    "taxPayments": [
                        {
                            "amount": float(tax),
                            "taxRate": 10,
                            "included": True,
                            "salesTax": {"id": SALES_TAX_REDUCED_ID},
                        }
                    ],
                },
            }
        ],
        "payments": [{"amount": float(gross), "paymentMethod": {"id": PAYMENT_WEBSHOP_ID}}],
        **extra,
    }
    if number is not None:
        body["number"] = number
    return body


def _post(api: httpx.Client, coupling: str, receipts: list[dict], **params: str) -> httpx.Response:
    return api.post(WEBSHOP_RECEIPTS, params={"couplingId": coupling, **params}, json=receipts)


# ---------------------------------------------------------------- coupling


def test_coupling_and_decoupling_an_external_pos(api: httpx.Client, kb: KoronaSandbox) -> None:
    before = api.get(f"/pointsOfSale/{POS_WEBSHOP_ID}").json()
    assert before["coupled"] is False and before["type"] == "EXTERNAL"
    assert before["lastReceiptNumber"] == "0"  # shown for uncoupled external POS only
    assert (
        api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "dev-A"}).status_code
        == 204
    )
    coupled = api.get(f"/pointsOfSale/{POS_WEBSHOP_ID}").json()
    assert coupled["coupled"] is True and "lastReceiptNumber" not in coupled
    assert "couplingId" not in coupled  # write-only
    assert coupled["revision"] > before["revision"]
    assert kb.coupling_id(POS_WEBSHOP_ID) == "dev-A"
    same_device = api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "dev-A"})
    assert same_device.status_code == 204
    decoupled = api.patch(
        f"/pointsOfSale/{POS_WEBSHOP_ID}",
        params={"decouple": "true", "couplingId": "dev-A"},
        json={},
    )
    assert decoupled.status_code == 204
    assert api.get(f"/pointsOfSale/{POS_WEBSHOP_ID}").json()["coupled"] is False


def test_coupled_pos_refuses_another_device(api: httpx.Client, coupled: str) -> None:
    other = api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "intruder"})
    assert (other.status_code, other.json()["code"]) == (
        403,
        "POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE",
    )
    decouple = api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", params={"decouple": "true"}, json={})
    assert decouple.json()["code"] == "POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE"
    check = api.get(f"/pointsOfSale/{POS_WEBSHOP_ID}", params={"couplingId": "intruder"})
    assert check.status_code == 403
    assert (
        api.get(f"/pointsOfSale/{POS_WEBSHOP_ID}", params={"couplingId": coupled}).status_code
        == 200
    )


def test_normal_till_cannot_be_coupled_or_receive_receipts(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    couple = api.patch(f"/pointsOfSale/{POS_TILL_ID}", json={"couplingId": "x"})
    assert (couple.status_code, couple.json()["code"]) == (403, "POINT_OF_SALE_NOT_EXTERNAL")
    post = api.post(
        f"/pointsOfSale/{POS_TILL_ID}/receipts",
        params={"couplingId": "x"},
        json=[receipt("1", _tracked_number(kb))],
    )
    assert (post.status_code, post.json()["code"]) == (403, "POINT_OF_SALE_NOT_EXTERNAL")
    assert kb.receipts() == []


def test_pos_list_filters_external_and_coupled(api: httpx.Client, coupled: str) -> None:
    external = api.get("/pointsOfSale", params={"external": "true"}).json()["results"]
    assert [p["id"] for p in external] == [POS_WEBSHOP_ID]
    assert [
        p["id"] for p in api.get("/pointsOfSale", params={"coupled": "false"}).json()["results"]
    ] == [POS_TILL_ID]


def test_receipts_need_a_coupled_pos_and_the_right_coupling_id(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    product = _tracked_number(kb)
    uncoupled = _post(api, "shop-1", [receipt("1", product)])
    assert (uncoupled.status_code, uncoupled.json()["code"]) == (403, "POINT_OF_SALE_NOT_COUPLED")
    api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "shop-1"})
    wrong = _post(api, "shop-2", [receipt("1", product)])
    assert (wrong.status_code, wrong.json()["code"]) == (
        403,
        "POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE",
    )
    assert kb.receipts() == []


def test_missing_coupling_id_is_a_bad_request(slot: tuple[str, AppSlot], kb: KoronaSandbox) -> None:
    """The request breaks the spec on purpose (couplingId is required): check the answer only."""
    contract = KoronaContract(check_requests=False)
    with korona_client(slot[0], kb.account_id, AUTH, contract) as raw:
        response = raw.post(WEBSHOP_RECEIPTS, json=[receipt("1", _tracked_number(kb))])
    assert (response.status_code, response.json()["code"]) == (400, "MISSING_QUERY_PARAMETER")
    contract.assert_all_valid()


# ---------------------------------------------------------------- booking


def test_booked_receipt_is_stored_with_totals_and_prefixed_number(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    product = _tracked_number(kb)
    result = _post(api, coupled, [receipt("1001", product, qty=2)]).json()
    assert [(r["status"], r["action"], r["number"]) for r in result] == [
        ("OK", "ADDED", "WEB-1001")
    ]
    stored = api.get(f"/receipts/{result[0]['id']}").json()
    assert stored["number"] == "WEB-1001" and stored["orderNumber"] == "WC-1001"
    assert stored["total"] == {"gross": 22.0, "net": 20.0, "tax": 2.0}
    assert stored["pointOfSale"]["id"] == POS_WEBSHOP_ID
    assert stored["items"][0]["product"]["number"] == product
    assert kb.receipts(POS_WEBSHOP_ID) == [stored]
    assert kb.receipts(POS_TILL_ID) == []


def test_disable_receipt_number_prefix_keeps_the_number(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    result = _post(
        api, coupled, [receipt("WC-77", _tracked_number(kb))], disableReceiptNumberPrefix="true"
    )
    assert result.json()[0]["number"] == "WC-77"


def test_duplicate_number_is_a_per_item_error(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    product = _tracked_number(kb)
    first = _post(api, coupled, [receipt("5", product)], disableReceiptNumberPrefix="true")
    assert first.json()[0]["status"] == "OK"
    batch = _post(
        api,
        coupled,
        [receipt("5", product), receipt("6", product)],
        disableReceiptNumberPrefix="true",
    )
    assert batch.status_code == 200
    results = batch.json()
    assert [r["status"] for r in results] == ["ERROR", "OK"]
    assert results[0]["message"].startswith("NUMBER_ALREADY_IN_USE")
    assert sorted(r["number"] for r in kb.receipts()) == ["5", "6"]


def test_lookup_by_number_and_order_number(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    product = _tracked_number(kb)
    _post(
        api,
        coupled,
        [receipt("1", product), receipt("2", product)],
        disableReceiptNumberPrefix="true",
    )
    by_order = api.get("/receipts", params={"orderNumber": "WC-2"}).json()["results"]
    assert [r["number"] for r in by_order] == ["2"]
    by_number = api.get(WEBSHOP_RECEIPTS, params={"number": "1"}).json()["results"]
    assert [r["orderNumber"] for r in by_number] == ["WC-1"]
    assert api.get("/receipts", params={"orderNumber": "WC-404"}).status_code == 204
    assert api.get(f"/pointsOfSale/{POS_TILL_ID}/receipts").status_code == 204
    one = api.get(f"{WEBSHOP_RECEIPTS}/{by_order[0]['id']}").json()
    assert one["number"] == "2"


def test_receipts_have_a_revision_feed(api: httpx.Client, kb: KoronaSandbox, coupled: str) -> None:
    product = _tracked_number(kb)
    _post(api, coupled, [receipt("1", product)])
    cursor = api.get("/receipts").json()["maxRevision"]
    _post(api, coupled, [receipt("2", product)])
    feed = api.get("/receipts", params={"revision": cursor}).json()["results"]
    assert [r["number"] for r in feed] == ["WEB-2"]


def test_sale_moves_stock_of_the_pos_warehouse(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    product = _tracked_number(kb)
    before = kb.stock_of(product, ORG_WAREHOUSE_ID)
    store_before = kb.stock_of(product, ORG_STORE_ID)
    _post(api, coupled, [receipt("1", product, qty=3)])
    assert kb.stock_of(product, ORG_WAREHOUSE_ID) == before - 3
    assert kb.stock_of(product, ORG_STORE_ID) == store_before


def test_unknown_product_and_unbalanced_payments_are_refused(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    product = _tracked_number(kb)
    unbalanced = receipt("2", product)
    unbalanced["payments"][0]["amount"] = 10.99
    results = _post(api, coupled, [receipt("1", "no-such-product"), unbalanced]).json()
    assert [r["message"].split(":")[0] for r in results] == [
        "UNRESOLVED_RELATION",
        "INVALID_MODEL_PROPERTY",
    ]
    kb.knobs.update(strict_payments=False)
    assert _post(api, coupled, [unbalanced]).json()[0]["status"] == "OK"


# ---------------------------------------------------------------- reversal


def test_reversal_cancels_the_original_once(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    product = _tracked_number(kb)
    stock_before = kb.stock_of(product)
    original = _post(api, coupled, [receipt("10", product, qty=2)]).json()[0]
    assert kb.stock_of(product) == stock_before - 2
    reversal = receipt("10-R", product, qty=-2, reversal=True, reversedReceipt={"number": "WEB-10"})
    reversal["items"][0]["total"] |= {"base": -22.0, "gross": -22.0, "net": -20.0}
    reversal["items"][0]["total"]["taxPayments"][0]["amount"] = -2.0
    reversal["payments"][0]["amount"] = -22.0
    result = _post(api, coupled, [reversal]).json()[0]
    assert result["status"] == "OK"
    cancelled = api.get(f"/receipts/{original['id']}").json()
    assert cancelled["cancelled"] is True and cancelled["revision"] > original["revision"]
    stored_reversal = api.get(f"/receipts/{result['id']}").json()
    assert stored_reversal["reversal"] is True
    assert stored_reversal["reversedReceipt"]["id"] == original["id"]
    assert kb.stock_of(product) == stock_before
    twice = _post(api, coupled, [reversal | {"number": "10-R2"}]).json()[0]
    assert twice["status"] == "ERROR" and "already been reversed" in twice["message"]


def test_reversal_of_an_unknown_receipt_is_unresolved(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    orphan = receipt("R-1", _tracked_number(kb), reversal=True, reversedReceipt={"number": "nope"})
    result = _post(api, coupled, [orphan]).json()[0]
    assert result["message"].startswith("UNRESOLVED_RELATION")


def test_receipt_without_number_gets_the_next_counter_value(
    api: httpx.Client, kb: KoronaSandbox, coupled: str
) -> None:
    product = _tracked_number(kb)
    _post(api, coupled, [receipt("41", product)])
    auto = _post(api, coupled, [receipt(None, product)]).json()[0]
    assert auto["number"] == "WEB-42"


def test_office_without_warehouse_has_no_stock_list(api: httpx.Client) -> None:
    assert api.get(f"/organizationalUnits/{ORG_OFFICE_ID}/productStocks").status_code == 204
