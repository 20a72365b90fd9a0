"""KORONA sandbox: uuids where the spec wants uuids, references shaped as the spec's.

The spec says of its path ids "id should match the uuid-format" and types
every body ``id`` as ``format: uuid``; a sandbox that quietly resolved a
number there would hide exactly the adapter bug it exists to catch.  Tests
that send such a request on purpose use ``lax_api`` (answers checked, not
requests).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox.korona import (
    ORG_STORE_ID,
    ORG_WAREHOUSE_ID,
    POS_WEBSHOP_ID,
    SALES_TAX_REDUCED_ID,
    SECTOR_REDUCED_ID,
    KoronaSandbox,
)
from sandbox.korona.app import api_routes
from sandbox.korona.uuids import path_uuid_names
from tests.contract.korona import _spec
from tests.sandbox.test_korona_sandbox_receipts import receipt

KORONA_SEED = (40, 5)
MALFORMED = (400, "MALFORMED_MODEL_ID_OR_NUMBER")
RECEIPTS = f"/pointsOfSale/{POS_WEBSHOP_ID}/receipts"


@pytest.fixture
def coupling(api: httpx.Client) -> str:
    assert api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "c-1"}).is_success
    return "c-1"


def _product(kb: KoronaSandbox) -> str:
    return next(r.number for r in kb.catalog.table if r.active and r.track_inventory)


def _refusal(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


# ---------------------------------------------------------------- path ids


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/organizationalUnits/3"),
        ("GET", "/organizationalUnits/3/productStocks"),
        ("GET", "/receipts/1"),
        ("GET", "/pointsOfSale/1/receipts"),
        ("GET", f"/pointsOfSale/{POS_WEBSHOP_ID}/receipts/1"),
        ("GET", "/customers/1001"),
        ("GET", "/sectors/1"),
        ("GET", "/salesTaxes/1"),
        ("GET", "/priceGroups/2"),
        ("GET", "/paymentMethods/1"),
        ("GET", "/commodityGroups/1"),
        ("GET", "/stockAdjustments/1"),
        ("PATCH", "/stockAdjustments/1/book"),
    ],
)
def test_a_number_in_a_uuid_path_is_refused(lax_api: httpx.Client, method: str, path: str) -> None:
    assert _refusal(lax_api.request(method, path)) == MALFORMED


def test_a_pos_number_couples_nothing_and_books_nothing(
    lax_api: httpx.Client, kb: KoronaSandbox
) -> None:
    couple = lax_api.patch("/pointsOfSale/1", json={"couplingId": "c-1"})
    assert _refusal(couple) == MALFORMED and kb.coupling_id(POS_WEBSHOP_ID) is None
    lax_api.patch(f"/pointsOfSale/{POS_WEBSHOP_ID}", json={"couplingId": "c-1"})
    sale = [receipt("1", _product(kb))]
    post = lax_api.post("/pointsOfSale/1/receipts", params={"couplingId": "c-1"}, json=sale)
    assert _refusal(post) == MALFORMED and kb.receipts() == []


def test_get_point_of_sale_takes_the_number_the_spec_documents(api: httpx.Client) -> None:
    assert api.get("/pointsOfSale/1").json()["id"] == POS_WEBSHOP_ID


def test_the_sandbox_checks_exactly_the_path_ids_the_spec_declares_uuid() -> None:
    paths = _spec()["paths"]
    for path, _handler, method in api_routes():
        operation = paths[f"/accounts/{{koronaAccountId}}{path}"][method.lower()]
        declared = {
            p["name"]
            for p in operation["parameters"]
            if p["in"] == "path" and p["schema"].get("format") == "uuid"
        }
        assert path_uuid_names(method, path) == declared, f"{method} {path}"


# ---------------------------------------------------------------- body ids


def test_a_number_as_a_reference_id_fails_the_whole_receipt_post(
    lax_api: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    by_id = receipt("1", _product(kb))
    by_id["items"][0]["product"] = {"id": _product(kb)}
    warehouse = receipt("2", _product(kb), warehouse={"id": "3"})
    for body in (by_id, warehouse):
        answer = lax_api.post(RECEIPTS, params={"couplingId": coupling}, json=[body])
        assert _refusal(answer) == MALFORMED
    assert kb.receipts() == []


@pytest.mark.parametrize(
    ("path", "item"),
    [
        ("/products", {"number": "N-1", "name": "Tea", "sector": {"id": "1"}}),
        ("/products", {"id": "17", "number": "N-2", "name": "Tea"}),
        ("/customers", {"id": "5", "number": "C-1", "lastname": "Huber"}),
        ("/stockAdjustments", {"warehouse": {"id": "3"}}),
    ],
)
def test_a_number_as_an_id_is_refused_in_every_write(
    lax_api: httpx.Client, kb: KoronaSandbox, path: str, item: dict[str, Any]
) -> None:
    written = kb.stats.objects_written
    assert _refusal(lax_api.post(path, json=[item])) == MALFORMED
    assert kb.stats.objects_written == written


def test_references_by_number_and_free_form_maps_are_still_fine(
    api: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    body = receipt("1", _product(kb), warehouse={"number": "2"}, externalReferences={"id": "17"})
    (result,) = api.post(RECEIPTS, params={"couplingId": coupling}, json=[body]).json()
    stored = api.get(f"/receipts/{result['id']}").json()
    assert stored["warehouse"]["id"] == ORG_STORE_ID
    assert stored["externalReferences"] == {"id": "17"}


# ---------------------------------------------------------------- reference shapes


def test_sent_references_come_back_as_model_references(
    api: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    customer = next(iter(kb.customers.table))
    body = receipt(
        "1",
        _product(kb),
        customer={"id": customer.id, "email": "a@b.c", "tier": "gold"},
        cashier={"number": "7", "pin": "1234"},
    )
    body["items"][0]["sector"] = {"id": SECTOR_REDUCED_ID, "rate": 10}
    body["items"][0]["total"]["taxPayments"][0]["salesTax"] = {"id": SALES_TAX_REDUCED_ID, "x": 1}
    (result,) = api.post(RECEIPTS, params={"couplingId": coupling}, json=[body]).json()
    stored = api.get(f"/receipts/{result['id']}").json()
    assert stored["customer"] == {"id": customer.id, "number": customer.number}
    assert stored["cashier"] == {"number": "7"}
    assert stored["items"][0]["sector"] == {
        "id": SECTOR_REDUCED_ID,
        "number": "2",
        "name": "Reduced 10 %",
    }
    assert set(stored["items"][0]["total"]["taxPayments"][0]["salesTax"]) == {
        "id",
        "number",
        "name",
    }


def test_a_reference_to_a_missing_customer_is_unresolved(
    api: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    body = receipt("1", _product(kb), customer={"number": "WC-404"})
    (result,) = api.post(RECEIPTS, params={"couplingId": coupling}, json=[body]).json()
    assert result["status"] == "ERROR" and result["message"].startswith("UNRESOLVED_RELATION")


def _model_references(value: Any, schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every value in ``value`` that the spec types as a ``ModelReference``."""
    schemas = _spec()["components"]["schemas"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name == "ModelReference" and isinstance(value, dict):
            yield value
            return
        schema = schemas[name]
    for part in schema.get("allOf", []):
        yield from _model_references(value, part)
    if isinstance(value, list) and "items" in schema:
        for item in value:
            yield from _model_references(item, schema["items"])
    if isinstance(value, dict):
        for key, sub in (schema.get("properties") or {}).items():
            if key in value:
                yield from _model_references(value[key], sub)


def test_every_answered_reference_has_only_id_number_and_name(
    api: httpx.Client, kb: KoronaSandbox, coupling: str
) -> None:
    customer = next(iter(kb.customers.table))
    body = receipt("1", _product(kb), customer={"id": customer.id, "extra": 1})
    body["items"][0]["sector"] = {"id": SECTOR_REDUCED_ID, "rate": 10}
    api.post(RECEIPTS, params={"couplingId": coupling}, json=[body])
    lists = {
        "/receipts": "Receipt",
        "/products": "Product",
        "/pointsOfSale": "Pos",
        "/organizationalUnits": "OrganizationalUnit",
        "/sectors": "Sector",
        "/salesTaxes": "SalesTax",
        "/priceGroups": "PriceGroup",
        "/paymentMethods": "PaymentMethod",
        "/customers": "Customer",
        f"/organizationalUnits/{ORG_WAREHOUSE_ID}/productStocks": "ProductStock",
    }
    seen = 0
    for path, schema in lists.items():
        for row in api.get(path, params={"size": 1000}).json()["results"]:
            for ref in _model_references(row, {"$ref": f"#/components/schemas/{schema}"}):
                assert set(ref) <= {"id", "number", "name"}, (path, ref)
                seen += 1
    assert seen > 100
