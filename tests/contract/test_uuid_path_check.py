"""The contract helper refuses a number where KORONA's spec wants a uuid path id.

The spec says so only in prose ("id should match the uuid-format"); the
vendoring script turns that into ``format: uuid`` and the helper checks it on
every exchange.  ``httpx.MockTransport`` answers here because the point is a
request no correct client sends.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.contract.korona import KoronaContract
from tests.contract.path_formats import UuidPathParameters

ACCOUNT = "3d03ad3a-fbaf-55a3-8e6e-448ebb156e01"
UUID = "c2ce6f44-7ed4-457b-ae2f-eb89414c343c"
BASE = f"http://shard-7.example:9999/web/api/v3/accounts/{ACCOUNT}"
NOT_FOUND = {"code": "MODEL_ID_NOT_FOUND", "message": "no such object"}


def _exchange(method: str, path: str, answer: Callable[[httpx.Request], httpx.Response]):
    contract = KoronaContract()
    client = httpx.Client(
        transport=httpx.MockTransport(answer),
        auth=("api-user", "pw"),
        event_hooks={"response": [contract.event_hook]},
    )
    with client:
        client.request(method, f"{BASE}{path}")
    (exchange,) = contract.exchanges
    return exchange


def _not_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json=NOT_FOUND)


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("GET", "/organizationalUnits/3", "organizationalUnitId"),
        ("GET", "/organizationalUnits/3/productStocks", "organizationalUnitId"),
        ("GET", "/receipts/17", "receiptId"),
        ("PATCH", "/pointsOfSale/1", "pointOfSaleId"),
        ("GET", f"/pointsOfSale/1/receipts/{UUID}", "pointOfSaleId"),
        ("GET", f"/pointsOfSale/{UUID}/receipts/17", "receiptId"),
        ("GET", "/products/10001", "productId"),
    ],
)
def test_a_number_in_a_uuid_path_breaks_the_contract(method: str, path: str, name: str) -> None:
    exchange = _exchange(method, path, _not_found)
    number = path.split("/")[2] if name != "receiptId" else "17"
    assert f"request: path parameter {name}={number!r} is not a uuid" in exchange.problems


def test_uuids_in_the_same_paths_pass() -> None:
    for path in (f"/organizationalUnits/{UUID}", f"/pointsOfSale/{UUID}/receipts/{UUID}"):
        assert _exchange("GET", path, _not_found).ok, path


def test_the_spec_takes_a_number_for_get_point_of_sale() -> None:
    """getPointOfSale documents "the number of the point of sale": no uuid demanded there."""
    assert _exchange("GET", "/pointsOfSale/1", _not_found).ok


def test_the_check_does_not_rely_on_openapi_core() -> None:
    """Given only the declared format, the helper's own matcher names the parameter."""
    spec = {
        "paths": {
            "/things/{thingId}": {
                "get": {
                    "parameters": [
                        {"name": "thingId", "in": "path", "schema": {"format": "uuid"}},
                    ],
                    "responses": {},
                }
            },
            "/things/latest": {"get": {"responses": {}}},
        }
    }
    check = UuidPathParameters(spec, prefix="/api")
    assert check.problems("GET", "/api/things/7") == ["path parameter thingId='7' is not a uuid"]
    assert check.problems("GET", f"/api/things/{UUID}") == []
    assert check.problems("GET", "/api/things/latest") == []  # the literal path wins
    assert check.problems("DELETE", "/api/things/7") == []  # no such operation
