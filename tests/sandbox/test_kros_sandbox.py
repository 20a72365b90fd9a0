"""The KROS sandbox over loopback: refuses what KROS refuses, answers as KROS answers.

Every exchange on a path the vendored KROS skeleton declares is validated
against it (tests/contract/kros.py); the signature of each webhook is
recomputed here from the documented algorithm, independently of the sandbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.kros import CNB_PATH, DEFAULT_TOKEN, ECB_PATH, KrosSandbox, create_app
from sandbox.kros.limits import RateWindow
from sandbox.server import serve_in_thread
from tests.contract.kros import KrosContract

pytestmark = pytest.mark.timeout(30)

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}


def expected_signature(body: bytes, secret: str) -> str:
    """X-Kros-Signature-256 as the reference states it, written out here on purpose."""
    key, message = secret.encode("utf-16-le"), body.decode("utf-8").encode("utf-16-le")
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


class Hooks:
    """A loopback receiver standing in for tillsync's webhook URL."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()

        async def hook(request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.received.append((dict(request.headers), body))
            return Response("ok")

        self.app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])

    def wait(self, count: int = 1, within: float = 5.0) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + within
        while len(self.received) < count:
            assert time.monotonic() < deadline, "no webhook arrived"
            time.sleep(0.01)
        return self.received


@pytest.fixture
def hooks() -> Iterator[tuple[Hooks, str]]:
    receiver = Hooks()
    with serve_in_thread(receiver.app) as running:
        yield receiver, f"{running.url}/hook"


@pytest.fixture
def world(hooks: tuple[Hooks, str]) -> Iterator[tuple[KrosSandbox, httpx.Client, KrosContract]]:
    kb = KrosSandbox(webhook_url=hooks[1])
    kb.seed(products=12)
    contract = KrosContract()
    with (
        serve_in_thread(create_app(kb)) as running,
        httpx.Client(
            base_url=running.url, event_hooks={"response": [contract.event_hook]}, timeout=5
        ) as client,
    ):
        yield kb, client, contract
    contract.assert_all_valid()


def invoice(**overrides: Any) -> dict[str, Any]:
    data = {
        "externalId": "WC-shop-41-0",
        "numberingSequence": "OF",
        "documentNumber": "",
        "invoiceType": 0,
        "issueDate": "2026-12-02",
        "currency": "EUR",
        "exchangeRate": 1,
        "orderNumber": "41",
        "partner": {"email": "jana@example.sk", "address": {"contactName": "Jana Nováková"}},
        "items": [{"name": "Hrnček 1", "amount": 2, "vatRate": 23, "totalPriceInclVat": 24.6}],
    }
    return {"data": data | overrides}


def wait_for(check, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_token_is_required_and_checked(world) -> None:
    _kb, client, contract = world
    contract.check_requests = False  # no token on purpose
    assert client.get("/api/auth/check").status_code == 401
    bad = client.get("/api/auth/check", headers={"Authorization": "Bearer nope"})
    assert (bad.status_code, bad.content) == (401, b"")
    good = client.get("/api/auth/check", headers=AUTH)
    assert (good.status_code, good.content) == (200, b"")


def test_a_plan_without_the_api_package_gets_402(world) -> None:
    kb, client, _ = world
    kb.knobs.update(api_package=False)
    assert client.get("/api/numberingSequences", headers=AUTH).status_code == 402


def test_rate_limits_answer_429_past_10_a_second_and_300_a_minute(world) -> None:
    kb, client, _ = world
    now = [0.0]
    kb.rate = RateWindow(clock=lambda: now[0])
    path = "/api/numberingSequences"  # the skeleton declares its 429
    statuses = [client.get(path, headers=AUTH).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    for second in range(1, 30):
        now[0] = float(second)
        for _ in range(10):
            client.get(path, headers=AUTH)
    now[0] = 30.0
    assert client.get(path, headers=AUTH).status_code == 429  # 300 in the minute
    now[0] = 60.5
    assert client.get(path, headers=AUTH).status_code == 200


def test_top_skip_paging_in_a_data_envelope(world) -> None:
    _kb, client, contract = world
    first = client.get("/api/catalog-items", params={"Top": 5}, headers=AUTH).json()
    rest = client.get("/api/catalog-items", params={"top": 100, "skip": 5}, headers=AUTH).json()
    assert set(first) == {"data"} and len(first["data"]) == 5 and len(rest["data"]) == 7
    default = client.get("/api/catalog-items", headers=AUTH).json()["data"]
    assert len(default) == 12  # default Top is 50
    contract.check_requests = False  # Top over 100 on purpose
    too_many = client.get("/api/catalog-items", params={"Top": 101}, headers=AUTH)
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["propertyPath"] == "Top"


def test_a_page_copies_only_its_own_cards(world) -> None:
    """The bench runs the sandbox in the engine's interpreter: copying all 20,000 cards
    for each page of 100 took 8.6 s of a 20 s sync (bench finding 9)."""
    kb, client, _contract = world
    copied: list[str] = []

    class Card(dict):
        def __iter__(self):  # a dict with its own iteration is copied through keys()
            return super().__iter__()

        def keys(self):
            copied.append(self["itemCode"])
            return super().keys()

    with kb.lock:
        kb.items = [Card(item) for item in kb.items]
    params = {"Top": 5, "Skip": 5}
    page = client.get("/api/catalog-items", params=params, headers=AUTH).json()["data"]
    assert [card["itemCode"] for card in page] == copied
    assert copied == [card["itemCode"] for card in kb.items[5:10]]


def test_only_changed_stock_cards_by_change_timestamp(world) -> None:
    kb, client, contract = world
    contract.check_requests = False  # a zoned timestamp is sent on purpose below
    (item, *_) = client.get("/api/catalog-items", headers=AUTH).json()["data"]
    later = "2999-01-01T00:00:00"
    kb.touch_item(item["itemCode"], name="Renamed")
    kb.items[0]["catalogItemChangedTimestamp"] = later
    params = {"CatalogItemChangedTimestamp": later}
    changed = client.get("/api/catalog-items", params=params, headers=AUTH).json()["data"]
    assert [i["name"] for i in changed] == ["Renamed"]
    zoned = {"CatalogItemChangedTimestamp": "2026-01-01T00:00:00+00:00"}
    assert client.get("/api/catalog-items", params=zoned, headers=AUTH).status_code == 400


def test_a_document_is_accepted_then_notified_with_a_valid_signature(world, hooks) -> None:
    kb, client, _ = world
    answer = client.post("/api/invoices", json=invoice(), headers=AUTH)
    assert answer.status_code == 202
    request_id = answer.json()["requestId"]
    ((headers, body),) = hooks[0].wait()
    assert headers["x-kros-signature-256"] == expected_signature(body, kb.webhook_secret)
    note = json.loads(body)
    assert (note["requestId"], note["status"]) == (request_id, 200)
    data = note["results"]["entities"][0]["data"]
    assert data["externalId"] == "WC-shop-41-0" and data["documentNumber"].startswith("2026")
    found = client.get("/api/invoices", params={"OrderNumber": "41"}, headers=AUTH).json()
    assert [d["documentNumber"] for d in found["data"]] == [data["documentNumber"]]
    detail = client.get(f"/api/invoices/{data['id']}", headers=AUTH).json()["data"]
    assert detail["externalId"] == "WC-shop-41-0"
    pdf = client.get(detail["pdfReportLink"], headers=AUTH)
    assert pdf.headers["content-type"] == "application/pdf"


def test_processed_with_problems_is_a_207_and_creates_nothing(world, hooks) -> None:
    kb, client, _ = world
    kb.knobs.update(webhook="problems")
    assert client.post("/api/invoices", json=invoice(), headers=AUTH).status_code == 202
    ((_, body),) = hooks[0].wait()
    note = json.loads(body)
    assert note["status"] == 207 and note["results"]["entities"][0]["problems"]
    assert kb.documents["invoices"] == []


def test_never_notified_is_still_created_so_a_poll_finds_it(world, hooks) -> None:
    kb, client, _ = world
    kb.knobs.update(webhook="never")
    client.post("/api/invoices", json=invoice(), headers=AUTH)
    wait_for(lambda: kb.documents["invoices"])
    assert hooks[0].received == []
    found = client.get("/api/invoices", params={"OrderNumber": "41"}, headers=AUTH).json()
    assert found["data"][0]["externalId"] == "WC-shop-41-0"


def test_an_identical_post_within_120_seconds_is_a_409(world) -> None:
    kb, client, _ = world
    kb.knobs.update(webhook="never")
    assert client.post("/api/invoices", json=invoice(), headers=AUTH).status_code == 202
    assert client.post("/api/invoices", json=invoice(), headers=AUTH).status_code == 409
    wait_for(lambda: kb.documents["invoices"])
    assert len(kb.documents["invoices"]) == 1


def test_invalid_documents_are_refused_with_property_paths(world) -> None:
    kb, client, contract = world
    contract.check_requests = False  # invalid on purpose
    cases = {
        "items": invoice(items=[]),
        "numberingSequence": invoice(numberingSequence="ZZ"),
        "exchangeRate": invoice(currency="USD", exchangeRate=None),
        "partner.registrationId": invoice(partner={"registrationId": "12-34"}),
        "partner.vatId": invoice(partner={"vatId": "SK12"}),
        "creditedInvoiceNumber": invoice(invoiceType=1, creditedInvoiceNumber="20269999"),
        "items[0].amount": invoice(items=[{"name": "x", "vatRate": 23, "unitPrice": 1}]),
    }
    for path, body in cases.items():
        answer = client.post("/api/invoices", json=body, headers=AUTH)
        assert answer.status_code == 400, path
        assert path in [e["propertyPath"] for e in answer.json()["errors"]], path
    assert kb.stats.posts == 0 and kb.documents["invoices"] == []


def test_numbering_sequences_and_warehouses_are_listed(world) -> None:
    _kb, client, contract = world
    sequences = client.get("/api/numberingSequences", headers=AUTH).json()["data"]
    assert {"OF", "ZF", "PO"} <= {s["numberingSequence"] for s in sequences}
    warehouses = client.get("/api/warehouses", headers=AUTH).json()["data"]
    assert [w["code"] for w in warehouses] == ["HS", "PR"]
    assert contract.unspecified == ["GET /api/warehouses"]  # inferred path, not in the skeleton


def test_the_rate_feeds_in_their_real_formats(world) -> None:
    kb, client, _ = world
    ecb = client.get(ECB_PATH).text
    assert "<gesmes:Envelope" in ecb and "<Cube currency='USD' rate='1.0921'/>" in ecb
    cnb = client.get(CNB_PATH).text.splitlines()
    assert cnb[1] == "země|měna|množství|kód|kurz" and "EMU|euro|1|EUR|25,210" in cnb
    kb.knobs.update(ecb_feed="weekend")
    friday = client.get(ECB_PATH).text.split("time='")[1][:10]
    from datetime import date

    assert date.fromisoformat(friday).weekday() == 4
