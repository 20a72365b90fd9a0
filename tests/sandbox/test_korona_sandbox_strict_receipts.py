"""KORONA sandbox: receipts keep what the client sent; the list honours time windows.

Also the two knobs that make the sandbox answer like a busier server: a
receipt POST answered ``QUEUED`` without an id, and list pages capped below
the ``size`` asked for.
"""

from __future__ import annotations

import httpx
import pytest

from sandbox.korona import (
    ORG_OFFICE_ID,
    ORG_STORE_ID,
    ORG_WAREHOUSE_ID,
    POS_WEBSHOP_ID,
    KoronaSandbox,
)
from tests.sandbox.test_korona_sandbox_receipts import receipt

KORONA_SEED = (40, 9)
RECEIPTS = f"/pointsOfSale/{POS_WEBSHOP_ID}/receipts"
MISSING_UUID = "00000000-0000-4000-8000-0000000000aa"


@pytest.fixture
def coupling(api: httpx.Client) -> str:
    assert api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "c-1"}).is_success
    return "c-1"


def _stocked(kb: KoronaSandbox) -> str:
    return next(
        r.number
        for r in kb.catalog.table
        if r.active
        and r.track_inventory
        and kb.stock_of(r.number, ORG_STORE_ID)
        and kb.stock_of(r.number, ORG_WAREHOUSE_ID)
    )


def _book(api: httpx.Client, coupling: str, *receipts: dict) -> list[dict]:
    return api.post(RECEIPTS, params={"couplingId": coupling}, json=list(receipts)).json()


# ---------------------------------------------------------------- what the client sent


def test_warehouse_and_creation_time_are_kept_as_sent(
    api: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    product = _stocked(kb)
    store, central = kb.stock_of(product, ORG_STORE_ID), kb.stock_of(product, ORG_WAREHOUSE_ID)
    sent = receipt(
        "1",
        product,
        qty=2,
        warehouse={"id": ORG_STORE_ID},
        creationTime="2025-03-01T10:00:00+01:00",
    )
    (result,) = _book(api, coupling, sent)
    stored = api.get(f"/receipts/{result['id']}").json()
    assert stored["warehouse"]["id"] == ORG_STORE_ID  # the POS's is the central warehouse
    assert stored["creationTime"] == "2025-03-01T10:00:00+01:00"
    assert stored["bookingTime"] == stored["creationTime"]
    assert kb.stock_of(product, ORG_STORE_ID) == store - 2
    assert kb.stock_of(product, ORG_WAREHOUSE_ID) == central


def test_without_them_the_pos_warehouse_and_server_time_apply(
    api: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    (result,) = _book(api, coupling, receipt("1", _stocked(kb)))
    stored = api.get(f"/receipts/{result['id']}").json()
    assert stored["warehouse"]["id"] == ORG_WAREHOUSE_ID
    assert stored["creationTime"].endswith("Z") and stored["bookingTime"] == stored["creationTime"]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"warehouse": {"id": MISSING_UUID}}, "UNRESOLVED_RELATION"),
        ({"warehouse": {"id": ORG_OFFICE_ID}}, "UNRESOLVED_RELATION"),  # an org unit, no stock
        ({"warehouse": {"number": "99"}}, "UNRESOLVED_RELATION"),
        ({"creationTime": "yesterday"}, "INVALID_MODEL_PROPERTY"),
        ({"bookingTime": "2025-13-45T00:00:00Z"}, "INVALID_MODEL_PROPERTY"),
    ],
)
def test_a_warehouse_or_time_that_cannot_be_is_refused(
    lax_api: httpx.Client, kb: KoronaSandbox, coupling: str, extra: dict, code: str
) -> None:
    """Malformed times break the spec's date-time format too: the request is not checked."""
    (result,) = _book(lax_api, coupling, receipt("1", _stocked(kb), **extra))
    assert result["status"] == "ERROR" and result["message"].startswith(code)
    assert "id" not in result and kb.receipts() == []


# ---------------------------------------------------------------- time windows


@pytest.fixture
def three_days(api: httpx.Client, kb: KoronaSandbox, coupling: str) -> list[str]:
    """Receipts created on 1, 2 and 3 March, each booked the day after."""
    product = _stocked(kb)
    sent = [
        receipt(
            str(day),
            product,
            creationTime=f"2025-03-0{day}T12:00:00Z",
            bookingTime=f"2025-03-0{day + 1}T12:00:00Z",
        )
        for day in (1, 2, 3)
    ]
    return [r["number"] for r in _book(api, coupling, *sent)]


def _numbers(api: httpx.Client, path: str = "/receipts", **window: str) -> list[str]:
    answer = api.get(path, params=window)
    return [] if answer.status_code == 204 else [r["number"] for r in answer.json()["results"]]


def test_create_time_window_is_inclusive(api: httpx.Client, three_days: list[str]) -> None:
    first, second, third = three_days
    assert _numbers(api, minCreateTime="2025-03-02T12:00:00Z") == [second, third]
    assert _numbers(api, maxCreateTime="2025-03-02T12:00:00Z") == [first, second]
    both = {"minCreateTime": "2025-03-01T12:00:01Z", "maxCreateTime": "2025-03-03T11:59:59Z"}
    assert _numbers(api, **both) == [second]
    assert _numbers(api, RECEIPTS, **both) == [second]


def test_booking_time_window_filters_on_booking_time(
    api: httpx.Client, three_days: list[str]
) -> None:
    first, second, third = three_days
    assert _numbers(api, minBookingTime="2025-03-03T12:00:00Z") == [second, third]
    assert _numbers(api, maxBookingTime="2025-03-02T12:00:00Z") == [first]
    assert _numbers(api, minBookingTime="2025-03-05T00:00:00Z") == []


def test_a_time_with_an_offset_is_compared_as_an_instant(
    api: httpx.Client, three_days: list[str]
) -> None:
    """12:00Z on 2 March is 13:00+01:00: the window edge lands on the same instant."""
    assert _numbers(api, minCreateTime="2025-03-02T13:00:00+01:00") == three_days[1:]


def test_a_malformed_time_filter_is_refused(lax_api: httpx.Client) -> None:
    answer = lax_api.get("/receipts", params={"minCreateTime": "last week"})
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_QUERY_PARAMETER")


# ---------------------------------------------------------------- knobs


def test_queued_knob_answers_without_an_id_once(
    api: httpx.Client, control: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    assert control.post("/knobs", json={"receipt_fault": "queued"}).is_success
    (queued,) = _book(api, coupling, receipt("1", _stocked(kb)))
    assert queued == {"action": "QUEUED", "status": "OK", "number": "WEB-1"}
    (found,) = api.get("/receipts", params={"number": "WEB-1"}).json()["results"]
    assert found["total"]["gross"] == 11.0
    (added,) = _book(api, coupling, receipt("2", _stocked(kb)))
    assert (added["action"], added["number"]) == ("ADDED", "WEB-2") and "id" in added


def test_page_cap_serves_shorter_pages_and_says_more_follow(
    api: httpx.Client, control: httpx.Client, kb: KoronaSandbox
) -> None:
    total = sum(1 for row in kb.catalog.table if row.active)
    assert control.post("/knobs", json={"page_cap": 7}).is_success
    page = api.get("/products", params={"size": 25}).json()
    assert (page["resultsOfPage"], page["resultsTotal"]) == (7, total)
    assert page["pagesTotal"] == -(-total // 7) and "next" in page["links"]
    seen, url = [], None
    while True:
        answer = api.get(url) if url else api.get("/products", params={"size": 25})
        seen += [p["id"] for p in answer.json()["results"]]
        url = answer.json()["links"].get("next")
        if url is None:
            break
    assert len(seen) == len(set(seen)) == total


def test_page_cap_knob_is_off_by_default(api: httpx.Client) -> None:
    assert api.get("/products", params={"size": 25}).json()["resultsOfPage"] == 25


def test_sizes_above_the_maximum_are_still_refused(lax_api: httpx.Client) -> None:
    answer = lax_api.get("/products", params={"size": 1001})
    assert (answer.status_code, answer.json()["code"]) == (400, "BATCH_SIZE_OUT_OF_RANGE")
