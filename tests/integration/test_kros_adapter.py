"""The KROS adapter against the KROS sandbox over loopback: doctor, documents, currency,
business ids, e-mail delivery, other document kinds, the webhook signature."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from engine.backends.base import Capability, IdempotencyKey, SaleState
from engine.backends.kros import KrosBackend
from engine.backends.kros.notifications import signature
from engine.backends.kros.rates import RateBook
from engine.errors import ConfigError, ValidationError
from engine.model import Customer, Money, Order, OrderLine, Payment
from engine.transport import RetryPolicy
from sandbox.kros.limits import RateWindow
from tests.contract.kros import KrosContract
from tests.contract.recorder import ContractTransport

from .kros_harness import KrosServers, kros_backend, kros_sandboxes, kros_settings, kros_world
from .orders_harness import FAST_RETRY

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with kros_sandboxes(products=6) as running:
        yield running


def an_order(number: int = 77, currency: str = "EUR", **customer: str) -> Order:
    def m(value: str) -> Money:
        return Money.of(value, currency)

    line = OrderLine("K1000", "Hrnček 1", Decimal(2), m("10.00"), m("20.00"), m("4.60"),
                     tax_rate=Decimal(23))  # fmt: skip
    buyer = Customer("jana@example.sk", "Jana", "Nováková", **customer)
    moment = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    return Order(
        number, str(number), "completed", currency, buyer, (line,),
        Payment("bacs", "Bankový prevod", m("29.60"), backoffice_method_id="Bankový prevod"),
        m("4.07"), m("0.93"), m("0"), m("29.60"), m("5.53"), True, moment, moment,
    )  # fmt: skip


def key(number: int = 77) -> IdempotencyKey:
    return IdempotencyKey("shop", number)


async def posted(servers: KrosServers, kind: str = "invoices", count: int = 1) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while len(servers.kb.documents[kind]) < count:
        assert loop.time() < deadline, "the document was never made"
        await asyncio.sleep(0.02)
    return servers.kb.documents[kind]


async def test_doctor_checks_token_sequence_and_that_our_webhook_url_is_reachable(
    servers, tmp_path: Path
) -> None:
    async with kros_world(servers, tmp_path) as world:
        backend = kros_backend(servers, webhook_url=world.backoffice_url)
        try:
            result = await backend.check()
            assert result.ok, result.summary
            assert [i.name for i in result.items] == ["token", "numbering sequence", "webhook"]
        finally:
            await backend.aclose()


async def test_doctor_says_which_sequences_are_valid_and_when_the_plan_lacks_the_api(
    servers,
) -> None:
    backend = kros_backend(servers, numbering_sequence=None, webhook_url="http://127.0.0.1:9/x")
    try:
        result = await backend.check()
        by_name = {i.name: i for i in result.items}
        sequence = by_name["numbering sequence"]
        assert not sequence.ok and "OF Odberateľské faktúry" in sequence.message
        assert "ZF" not in sequence.message  # proformas are numbered elsewhere
        assert not by_name["webhook"].ok and "not reachable" in by_name["webhook"].message
        assert backend.missing_settings({Capability.SALES_CREATE})[0].key == "numbering_sequence"
        assert "DB Dobropisy" in await backend.setting_choices("numbering_sequence")
        servers.kb.knobs.update(api_package=False)
        (token,) = (await backend.check()).items
        assert not token.ok and "402" in token.message and "API package" in token.message
    finally:
        await backend.aclose()


async def test_doctor_reports_a_refused_token(servers) -> None:
    backend = kros_backend(servers, token="not-the-token")
    try:
        (token,) = (await backend.check()).items
        assert not token.ok and "refused the API token" in token.message
    finally:
        await backend.aclose()


async def test_a_foreign_currency_is_converted_at_the_ecb_rate_for_a_eur_company(
    servers,
) -> None:
    backend = kros_backend(servers)
    try:
        sale = await backend.create_sale(an_order(currency="USD"), key())
        assert sale.state is SaleState.PENDING
        (document,) = await posted(servers)
        assert (document["currency"], document["exchangeRate"]) == ("USD", 1.0921)
        today = datetime.now(UTC).date().isoformat()
        assert f"ECB {today}: 1 EUR = 1.0921 USD" in document["internalNote"]
        await backend.create_sale(an_order(78, currency="GBP"), key(78))
        await posted(servers, count=2)
        assert servers.kb.documents["invoices"][1]["exchangeRate"] == 0.8583
        assert servers.kb.stats.feed_requests == 1  # fetched once a day, then cached
    finally:
        await backend.aclose()


async def test_a_czk_company_converts_at_the_cnb_rate(servers) -> None:
    servers.kb.currency = "CZK"
    backend = kros_backend(servers, base_currency="CZK")
    try:
        await backend.create_sale(an_order(currency="EUR"), key())
        (document,) = await posted(servers)
        assert (document["currency"], document["exchangeRate"]) == ("EUR", 25.21)
        assert ": 1 EUR = 25.210 CZK" in document["internalNote"]
    finally:
        await backend.aclose()


async def test_a_weekend_feed_gives_fridays_rate_and_says_so(servers) -> None:
    servers.kb.knobs.update(ecb_feed="weekend")
    backend = kros_backend(servers)
    try:
        await backend.create_sale(an_order(currency="USD"), key())
        (document,) = await posted(servers)
        published = document["internalNote"].split("ECB ")[1][:10]
        assert date.fromisoformat(published).weekday() == 4
    finally:
        await backend.aclose()


async def test_a_malformed_feed_falls_back_to_the_last_rate_and_none_at_all_holds(
    servers,
) -> None:
    url = f"{servers.kros_server.url}/feeds/ecb/eurofxref-daily.xml"
    day = [date(2026, 12, 1)]
    book = RateBook("EUR", url, today=lambda: day[0])
    try:
        first = await book.rate("USD")
        servers.kb.knobs.update(ecb_feed="malformed")
        day[0] = date(2026, 12, 2)
        again = await book.rate("USD")
        assert (again.rate, again.published) == (first.rate, first.published)
        assert "not readable" in book.last_problem
    finally:
        await book.aclose()
    backend = kros_backend(servers)  # a fresh start: no rate was ever read
    try:
        with pytest.raises(ConfigError, match="no ECB rate for USD"):
            await backend.create_sale(an_order(currency="USD"), key())
        assert servers.kb.stats.posts == 0
    finally:
        await backend.aclose()


async def test_business_ids_reach_the_partner_and_a_bad_one_is_held_with_its_field(
    servers,
) -> None:
    backend = kros_backend(servers)
    try:
        company = {"company": "Majolika s.r.o.", "registration_number": "35 123 456",
                   "tax_id": "2020123456", "vat_id": "SK2020123456"}  # fmt: skip
        await backend.create_sale(an_order(**company), key())
        (document,) = await posted(servers)
        partner = document["partner"]
        assert (partner["registrationId"], partner["taxId"], partner["vatId"]) == (
            "35123456", "2020123456", "SK2020123456",
        )  # fmt: skip
        assert partner["address"]["businessName"] == "Majolika s.r.o."
        with pytest.raises(ConfigError, match=r"registration number \(IČO\)"):
            await backend.create_sale(an_order(78, registration_number="12-AB"), key(78))
        with pytest.raises(ConfigError, match=r"VAT id \(IČ DPH\)"):
            await backend.create_sale(an_order(79, vat_id="SK12"), key(79))
        private = an_order(80)
        await backend.create_sale(private, key(80))
        documents = await posted(servers, count=2)
        assert "registrationId" not in documents[-1]["partner"]
    finally:
        await backend.aclose()


async def test_email_delivery_has_kros_send_the_document(servers) -> None:
    backend = kros_backend(servers, delivery="email")
    try:
        await backend.create_sale(an_order(), key())
        await posted(servers)
        assert servers.kb.emails == [
            {"to": "jana@example.sk", "documentNumber": servers.kb.documents["invoices"][0][
                "documentNumber"], "kind": "invoices"}
        ]  # fmt: skip
        await backend.send_invoice(await backend.find_sale(key()))
    finally:
        await backend.aclose()


@pytest.mark.parametrize(
    ("document", "sequence", "kind"),
    [("proforma", "ZF", "proforma-invoices"), ("received_order", "PO", "received-orders")],
)
async def test_proformas_and_received_orders_in_their_sequence(
    servers, document: str, sequence: str, kind: str
) -> None:
    backend = kros_backend(servers, document=document, numbering_sequence=sequence)
    try:
        await backend.create_sale(an_order(), key())
        (made,) = await posted(servers, kind)
        assert made["numberingSequence"] == sequence and "invoiceType" not in made
        found = await backend.find_sale(key())
        assert found is not None and found.number == made["documentNumber"]
        with pytest.raises(ValidationError, match="credits issued invoices only"):
            await backend.void_sale(found, key().for_void())
        assert servers.kb.documents["invoices"] == []  # nothing is ever deleted or credited
    finally:
        await backend.aclose()


def test_signature_matches_the_references_vector_and_an_independent_computation() -> None:
    body = b'{"requestId":"00000000-0000-0000-0000-000000000000","status":200}'
    # the vector kros-contract.md §7 gives (computed there, not by KROS)
    assert signature(body, "test-secret") == "fXjJs1gAjXye+kBTx9e4Xg/KTZ+KqS4qHeb0s7VL1O0="
    utf16 = hmac.new("pässwörd".encode("utf-16-le"), "{\"a\":\"ľ\"}".encode("utf-16-le"),
                     hashlib.sha256)  # fmt: skip
    expected = base64.b64encode(utf16.digest()).decode()
    assert signature('{"a":"ľ"}'.encode(), "pässwörd") == expected


async def test_the_adapters_requests_keep_to_the_kros_contract(servers) -> None:
    contract = KrosContract()
    backend = KrosBackend(
        kros_settings(servers, webhook_url="http://127.0.0.1:9/x"),
        transport=ContractTransport(contract),
        retry=FAST_RETRY,
        void_wait=3.0,
    )
    try:
        await backend.check()
        assert [p async for p in backend.read_products()]
        await backend.create_sale(an_order(currency="USD", company="Majolika s.r.o."), key())
        await posted(servers)
        sale = await backend.find_sale(key())
        assert sale is not None
        await backend.void_sale(sale, key().for_void())
        await posted(servers, count=2)
    finally:
        await backend.aclose()
    contract.assert_all_valid()
    assert "POST /api/invoices -> 202" in contract.checked
    assert set(contract.unspecified) <= {"GET /api/warehouses"}  # inferred, not in the skeleton


async def test_a_429_from_kros_is_waited_out_and_retried(servers) -> None:
    """Another program on the same token used the quota: KROS says 429, we wait and retry."""
    servers.kb.rate = RateWindow(per_second=2)
    servers.kb.knobs.update(retry_after=1)
    patient = RetryPolicy(max_attempts=6, base_delay=0.2, max_delay=1.0, max_retry_after=2)
    backend = KrosBackend(kros_settings(servers, page_size=2), retry=patient)
    try:
        products = [p async for page in backend.read_products() for p in page.items]
        assert len(products) == 6  # every card, over three pages
    finally:
        await backend.aclose()
    assert servers.kb.stats.statuses.get(429, 0) >= 1
