"""The KORONA contract validator itself: it must catch what it claims to catch.

A validator that never fails would make every other sandbox test hollow, so
these feed it deliberately broken exchanges.  ``httpx.MockTransport`` is the
right tool here: the point is to produce answers no honest sandbox gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from tests.contract.korona import KoronaContract

ACCOUNT = "3d03ad3a-fbaf-55a3-8e6e-448ebb156e01"
PRODUCT_ID = "c2ce6f44-7ed4-457b-ae2f-eb89414c343c"
BASE = f"http://shard-7.example:9999/web/api/v3/accounts/{ACCOUNT}"


def _client(
    contract: KoronaContract, answer: Callable[[httpx.Request], httpx.Response]
) -> httpx.Client:
    return httpx.Client(
        transport=httpx.MockTransport(answer),
        auth=("api-user", "pw"),
        event_hooks={"response": [contract.event_hook]},
    )


def _json(status: int, body: object) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body)


def _page(results: list[dict]) -> dict:
    return {
        "currentPage": 1,
        "pagesTotal": 1,
        "resultsOfPage": len(results),
        "resultsTotal": len(results),
        "results": results,
        "links": {"self": "x"},
        "maxRevision": 9,
    }


def test_a_valid_page_passes_whatever_host_served_it() -> None:
    contract = KoronaContract()
    product = {"id": PRODUCT_ID, "number": "1", "name": "Tea", "packagingUnit": "PIECE"}
    with _client(contract, _json(200, _page([product]))) as client:
        client.get(f"{BASE}/products", params={"page": 1, "size": 10})
    contract.assert_all_valid()
    assert [e.status for e in contract.exchanges] == [200]


def test_schema_errors_are_reported_with_their_json_path() -> None:
    contract = KoronaContract()
    bad = {"id": "not-a-uuid", "packagingUnit": "BOX"}
    with _client(contract, _json(200, _page([bad]))) as client:
        client.get(f"{BASE}/products")
    with pytest.raises(AssertionError) as failure:
        contract.assert_all_valid()
    report = str(failure.value)
    assert "results/0/id" in report and "'not-a-uuid' is not a 'uuid'" in report
    assert "results/0/packagingUnit" in report


def test_error_codes_must_come_from_the_spec_enums() -> None:
    contract = KoronaContract()
    with _client(contract, _json(404, {"code": "PRODUCT_GONE", "message": "x"})) as client:
        client.get(f"{BASE}/products/{PRODUCT_ID}")
    assert contract.violations and "PRODUCT_GONE" in str(contract.violations[0])


def test_read_only_fields_in_a_request_body_are_violations() -> None:
    contract = KoronaContract()
    receipt = {"number": "1", "revision": 3, "total": {"gross": 1}, "items": []}
    answer = _json(200, [{"status": "OK", "action": "ADDED"}])
    with _client(contract, answer) as client:
        client.post(
            f"{BASE}/pointsOfSale/{PRODUCT_ID}/receipts", params={"couplingId": "c"}, json=[receipt]
        )
    problems = contract.violations[0].problems
    assert any("request" in p and "revision" in p and "read-only" in p for p in problems)
    assert any("total" in p for p in problems)


def test_missing_required_query_parameter_and_unknown_path() -> None:
    contract = KoronaContract()
    with _client(contract, _json(200, [])) as client:
        client.post(f"{BASE}/pointsOfSale/{PRODUCT_ID}/receipts", json=[])
        client.get(f"{BASE}/webhooks")
    first, second = (str(e) for e in contract.violations)
    assert "couplingId" in first
    assert "PathNotFound" in second


def test_empty_204_is_valid_but_an_empty_200_is_not() -> None:
    contract = KoronaContract()
    with _client(contract, lambda request: httpx.Response(204)) as client:
        client.get(f"{BASE}/products")
    with _client(contract, lambda request: httpx.Response(200)) as client:
        client.get(f"{BASE}/products")
    assert [e.ok for e in contract.exchanges] == [True, False]


def test_server_errors_skip_response_checks_unless_strict() -> None:
    lenient, strict = KoronaContract(), KoronaContract(strict_5xx=True)
    for contract in (lenient, strict):
        with _client(contract, lambda request: httpx.Response(503, text="down")) as client:
            client.get(f"{BASE}/products")
    assert lenient.violations == []
    assert len(strict.violations) == 1


def test_non_api_paths_are_ignored() -> None:
    contract = KoronaContract()
    with _client(contract, _json(200, {"total": 1})) as client:
        client.get("http://127.0.0.1:1/__sandbox__/stats")
    assert contract.exchanges == []


async def test_the_hook_works_for_async_clients_and_reads_streamed_bodies() -> None:
    contract = KoronaContract()
    body = json.dumps(_page([{"id": "nope"}])).encode()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "application/json"}, stream=_Chunks(body)
        )

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(answer),
        auth=("u", "p"),
        event_hooks={"response": [contract.event_hook]},
    ) as client:
        response = await client.get(f"{BASE}/products")
    assert response.json()["results"] == [{"id": "nope"}]
    assert len(contract.violations) == 1


class _Chunks(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __aiter__(self):  # type: ignore[override]
        for start in range(0, len(self.body), 7):
            yield self.body[start : start + 7]
