"""KORONA sandbox: auth, account, fault knobs, stats and the control endpoints.

Every exchange with the KORONA API goes through the OpenAPI contract
validator (5xx answers are undeclared in the spec, so only their request is).
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import httpx
import pytest

from sandbox.korona import (
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    PAYMENT_WEBSHOP_ID,
    POS_WEBSHOP_ID,
    SALES_TAX_REDUCED_ID,
    KoronaSandbox,
)
from tests.contract.korona import AppSlot, KoronaContract, korona_client

AUTH = (DEFAULT_USER, DEFAULT_PASSWORD)
RECEIPTS = f"/pointsOfSale/{POS_WEBSHOP_ID}/receipts"


KORONA_SEED = (40, 5)  # products, rng seed of each test's fresh sandbox


def _sale(number: str, kb: KoronaSandbox) -> list[dict]:
    product = next(r.number for r in kb.catalog.table if r.active)
    total = {
        "base": 11.0,
        "gross": 11.0,
        "net": 10.0,
        "taxPayments": [
            {
                "amount": 1.0,
                "taxRate": 10,
                "included": True,
                "salesTax": {"id": SALES_TAX_REDUCED_ID},
            }
        ],
    }
    return [
        {
            "number": number,
            "items": [{"product": {"number": product}, "quantity": 1, "total": total}],
            "payments": [{"amount": 11.0, "paymentMethod": {"id": PAYMENT_WEBSHOP_ID}}],
        }
    ]


def _couple(api: httpx.Client) -> None:
    assert (
        api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "dev"}).status_code == 204
    )


# ---------------------------------------------------------------- auth and account


@pytest.mark.parametrize("auth", [None, (DEFAULT_USER, "wrong"), ("someone", DEFAULT_PASSWORD)])
def test_bad_or_missing_credentials_get_401(
    slot: tuple[str, AppSlot], kb: KoronaSandbox, auth: tuple | None
) -> None:
    # no credentials at all breaks the spec's security requirement: check the answer only
    contract = KoronaContract(check_requests=auth is not None)
    with korona_client(slot[0], kb.account_id, AUTH, contract) as client:
        client.auth = auth  # type: ignore[assignment]
        response = client.get("/products")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert DEFAULT_PASSWORD not in response.text
    contract.assert_all_valid()


def test_unknown_account_is_404_account_not_found(
    slot: tuple[str, AppSlot], kb: KoronaSandbox, contract: KoronaContract
) -> None:
    with korona_client(slot[0], "5b1d4c62-0000-4000-8000-000000000001", AUTH, contract) as client:
        response = client.get("/products")
    assert (response.status_code, response.json()["code"]) == (404, "ACCOUNT_NOT_FOUND")


def test_repr_does_not_leak_the_password(kb: KoronaSandbox) -> None:
    assert DEFAULT_PASSWORD not in repr(kb)


# ---------------------------------------------------------------- faults


def test_down_mode_answers_503_until_switched_off(api: httpx.Client, kb: KoronaSandbox) -> None:
    kb.knobs.update(down=True)
    assert api.get("/products").status_code == 503
    assert api.post(RECEIPTS, params={"couplingId": "x"}, json=_sale("1", kb)).status_code == 503
    kb.knobs.update(down=False)
    assert api.get("/products").status_code == 200


def test_daily_limit_answers_429_after_n_requests(api: httpx.Client, kb: KoronaSandbox) -> None:
    kb.knobs.update(daily_limit=3)
    statuses = [api.get("/sectors").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert api.get("/sectors").json()["code"] == "DAILY_LIMIT_EXCEEDED"
    kb.stats.reset()  # "next day"
    assert api.get("/sectors").status_code == 200


def test_scripted_faults_come_in_order(api: httpx.Client, kb: KoronaSandbox) -> None:
    kb.knobs.update(scripted=["503", "429", "ok", "daily"], retry_after_seconds=7)
    first, second, third, fourth = (api.get("/priceGroups") for _ in range(4))
    assert [r.status_code for r in (first, second, third, fourth)] == [503, 429, 200, 429]
    assert second.json()["code"] == "TOO_MANY_PARALLEL_UPDATE_REQUESTS"
    assert second.headers["retry-after"] == "7"
    assert fourth.json()["code"] == "DAILY_LIMIT_EXCEEDED"
    assert api.get("/priceGroups").status_code == 200


def test_dropped_connection_surfaces_as_a_protocol_error(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    kb.knobs.update(scripted=["drop"])
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/products")
    assert api.get("/products").status_code == 200
    assert kb.stats.faults["drop"] == 1


def test_random_faults_repeat_for_the_same_seed(api: httpx.Client, kb: KoronaSandbox) -> None:
    def run() -> list[int]:
        kb.knobs.update(seed=42, error_rate=0.3)
        return [api.get("/paymentMethods").status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second
    assert 503 in first and 200 in first


def test_latency_knob_delays_answers(api: httpx.Client, kb: KoronaSandbox) -> None:
    kb.knobs.update(latency_ms=150)
    started = time.perf_counter()
    api.get("/sectors")
    assert time.perf_counter() - started >= 0.15


async def test_parallel_writes_get_429_too_many_parallel_updates(
    slot: tuple[str, AppSlot], kb: KoronaSandbox, contract: KoronaContract
) -> None:
    kb.knobs.update(latency_ms=200)
    numbers = [r.number for r in kb.catalog.table if r.active][:2]
    async with httpx.AsyncClient(
        base_url=f"{slot[0]}/web/api/v3/accounts/{kb.account_id}",
        auth=AUTH,
        event_hooks={"response": [contract.event_hook]},
    ) as client:
        first, second = await asyncio.gather(
            *(client.patch("/products", json=[{"number": n, "name": "x"}]) for n in numbers)
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [200, 429]
        refused = first if first.status_code == 429 else second
        assert refused.json()["code"] == "TOO_MANY_PARALLEL_UPDATE_REQUESTS"
        reads = await asyncio.gather(*(client.get("/sectors") for _ in range(3)))
        assert [r.status_code for r in reads] == [200, 200, 200]  # reads are not limited
        serial = [
            await client.patch("/products", json=[{"number": n, "name": "y"}]) for n in numbers
        ]
        assert [r.status_code for r in serial] == [200, 200]
    assert kb.stats.faults["parallel"] == 1


def test_commit_then_500_stores_the_receipt(api: httpx.Client, kb: KoronaSandbox) -> None:
    _couple(api)
    kb.knobs.update(receipt_fault="commit_then_500")
    failed = api.post(RECEIPTS, params={"couplingId": "dev"}, json=_sale("A-1", kb))
    assert failed.status_code == 500
    assert [r["number"] for r in kb.receipts()] == ["WEB-A-1"]
    retry = api.post(RECEIPTS, params={"couplingId": "dev"}, json=_sale("A-1", kb)).json()
    assert retry[0]["message"].startswith("NUMBER_ALREADY_IN_USE")  # the idempotency signal


def test_commit_then_hang_stores_the_receipt_and_times_out(
    api: httpx.Client, kb: KoronaSandbox
) -> None:
    _couple(api)
    kb.knobs.update(receipt_fault="commit_then_hang", hang_seconds=5)
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        api.post(RECEIPTS, params={"couplingId": "dev"}, json=_sale("H-1", kb), timeout=0.4)
    assert time.perf_counter() - started < 2
    found = api.get("/receipts", params={"number": "WEB-H-1"}).json()["results"]
    assert len(found) == 1
    assert (
        api.post(RECEIPTS, params={"couplingId": "dev"}, json=_sale("H-2", kb)).status_code == 200
    )


# ---------------------------------------------------------------- stats and control


def test_stats_count_requests_by_route_and_writes(api: httpx.Client, kb: KoronaSandbox) -> None:
    row = next(r for r in kb.catalog.table if r.active)
    api.get("/products")
    api.get(f"/products/{row.id}")
    api.get(f"/products/{row.id}")
    api.patch("/products", json=[{"number": row.number, "name": "n"}])
    assert kb.stats.count("GET", "/products") == 1
    assert kb.stats.count("GET", "/products/{productId}") == 2
    assert (kb.stats.writes, kb.stats.objects_written, kb.stats.total) == (1, 1, 4)


def test_control_endpoints_drive_the_sandbox(
    control: httpx.Client, api: httpx.Client, kb: KoronaSandbox
) -> None:
    row = next(r for r in kb.catalog.table if r.active and r.track_inventory)
    number = row.number
    cursor = api.get("/products").json()["maxRevision"]
    changed = control.post(f"/products/{number}", json={"price": "3.50", "stock": 9, "name": "Ctl"})
    assert changed.status_code == 200 and changed.json()["name"] == "Ctl"
    assert kb.stock_of(number) == Decimal(9)
    assert {p["value"] for p in api.get(f"/products/{row.id}").json()["prices"]} == {3.5}
    assert [
        p["number"] for p in api.get("/products", params={"revision": cursor}).json()["results"]
    ] == [number]
    assert control.post("/knobs", json={"latency_ms": 5}).json()["latency_ms"] == 5
    assert control.post("/knobs", json={"nope": 1}).status_code == 400
    stats = control.get("/stats").json()
    assert stats["requests"]["GET /products"] == 2 and stats["total"] == 3
    assert control.post("/reset-stats").json()["total"] == 0
    assert control.get("/receipts").json() == []
    info = control.get("/info").json()
    assert info["accountId"] == kb.account_id and info["POS_WEBSHOP_ID"] == POS_WEBSHOP_ID
    assert control.post("/products/missing", json={"name": "x"}).status_code == 404
