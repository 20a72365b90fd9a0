"""The AurPOS adapter against the Connector sandbox: tokens, doctor, refusals.

Tokens are renewed before they expire and after a 401; a token endpoint that
answers an HTML page is a configuration error naming the URL; doctor names the
location choices, the missing permissions and a server that is not the Connector
API; a batch element's error is read per element; no secret reaches a capture.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.backends.aurpos import AurposBackend
from engine.backends.base import Capability, IdempotencyKey
from engine.errors import ConfigError, ValidationError
from engine.model import Customer, Money, Order, OrderLine, Payment
from sandbox.aurpos import DEMO_CLIENT, DEMO_USER
from tests.integration.aurpos_harness import (
    FAST_RETRY,
    AurposServers,
    aurpos_sandboxes,
    aurpos_settings,
)


@pytest.fixture
def servers() -> Iterator[AurposServers]:
    with aurpos_sandboxes(products=6) as running:
        yield running


def _backend(servers: AurposServers, **overrides: object) -> AurposBackend:
    return AurposBackend(aurpos_settings(servers, **overrides), retry=FAST_RETRY)


def _order(product_id: str, rate: str = "20", quantity: int = 1, number: str = "501") -> Order:
    eur = "EUR"
    line = OrderLine(
        sku="AP0002", name="Demo", quantity=Decimal(quantity), unit_price=Money.of("5.00", eur),
        total=Money.of(Decimal("5.00") * quantity, eur), tax=Money.of("1.00", eur),
        backoffice_product_id=product_id, tax_rate=Decimal(rate),
    )  # fmt: skip
    now = datetime.now(UTC)
    return Order(
        woo_id=int(number), number=number, status="completed", currency=eur,
        customer=Customer("a@example.com", "Ann", "Lee", phone="+43 1", woo_id=77), lines=(line,),
        payment=Payment("bacs", "Bank", Money.of("6.00", eur), backoffice_method_id="cash"),
        shipping=Money.of("0", eur), shipping_tax=Money.of("0", eur),
        discount=Money.of("0", eur), total=Money.of("6.01", eur),
        total_tax=Money.of("1.00", eur), prices_include_tax=False, modified_gmt=now,
        created_gmt=now,
    )  # fmt: skip


async def test_token_is_renewed_before_expiry_and_after_a_401(servers: AurposServers) -> None:
    backend = _backend(servers)
    try:
        servers.pos.knobs.update(token_ttl=30)  # inside the renewal margin: renewed each time
        [page async for page in backend.read_tax_codes()]
        [page async for page in backend.read_tax_codes()]
        assert backend.token_grants == 2
        servers.pos.knobs.update(token_ttl=3600)
        [page async for page in backend.read_tax_codes()]
        grants = backend.token_grants
        app_tokens = servers.pos_server.server.config.app.state.aurpos.tokens
        app_tokens.expire_all()  # revoked server-side: the next request sees 401
        pages = [page async for page in backend.read_tax_codes()]
        assert pages and backend.token_grants == grants + 1
    finally:
        await backend.aclose()


async def test_html_token_endpoint_is_a_config_error_naming_the_url(
    servers: AurposServers,
) -> None:
    servers.pos.knobs.update(token_html=True)
    backend = _backend(servers, base_path="")
    try:
        with pytest.raises(ConfigError) as caught:
            [page async for page in backend.read_tax_codes()]
        assert f"{servers.pos_server.url}/oauth/token" in caught.value.message
        assert "HTML" in caught.value.message
        result = await backend.check()
        assert not result.ok and "/oauth/token" in result.summary
    finally:
        await backend.aclose()


async def test_doctor_lists_locations_when_none_is_chosen(servers: AurposServers) -> None:
    backend = _backend(servers, location=None)
    try:
        result = await backend.check()
        location = next(i for i in result.items if i.name == "location")
        assert not location.ok and "1 Main Store, 2 Web Warehouse" in location.message
        assert "Outlet" not in location.message  # not a location this user may use
        assert [m.key for m in backend.missing_settings({Capability.SALES_CREATE})] == ["location"]
        assert await backend.setting_choices("location") == "1 Main Store, 2 Web Warehouse"
        chosen = await backend.select_location("2")
        assert chosen.name == "Web Warehouse" and (await backend.check()).ok
        with pytest.raises(ConfigError):
            await backend.select_location("3")
    finally:
        await backend.aclose()


async def test_doctor_names_missing_permissions_and_wrong_api(servers: AurposServers) -> None:
    servers.pos.users[DEMO_USER.username].permissions = frozenset({"product.view"})
    backend = _backend(servers)
    wrong = _backend(servers, api_path="/api/v2")
    try:
        result = await backend.check()
        assert "sell.view" in result.summary and "customer.view" in result.summary
        other = await wrong.check()
        assert "does not answer like the Ultimate POS Connector API" in other.summary
    finally:
        await backend.aclose()
        await wrong.aclose()


async def test_refused_credentials_say_which(servers: AurposServers) -> None:
    wrong_user = _backend(servers, password="not-it")
    wrong_client = _backend(servers, client_secret="not-it-either")
    try:
        assert "user name or password" in (await wrong_user.check()).summary
        assert "client id or secret" in (await wrong_client.check()).summary
    finally:
        await wrong_user.aclose()
        await wrong_client.aclose()


async def test_batch_element_error_is_read_per_element(servers: AurposServers) -> None:
    backend = _backend(servers)
    try:
        with pytest.raises(ValidationError) as caught:
            await backend.create_sale(_order("999"), IdempotencyKey("s", 501))
        assert "no product 999" in caught.value.message
        product = str(servers.pos.products[2]["id"])
        await backend.create_sale(_order(product), IdempotencyKey("s", 501))
        servers.pos.contacts.clear()  # the contact is deleted in the POS meanwhile
        with pytest.raises(ValidationError) as refused:
            await backend.create_sale(_order(product, number="502"), IdempotencyKey("s", 502))
        assert "App\\Contact" in refused.value.message
    finally:
        await backend.aclose()


async def test_a_rate_the_pos_lacks_holds_the_order(servers: AurposServers) -> None:
    backend = _backend(servers)
    try:
        with pytest.raises(ConfigError) as caught:
            await backend.create_sale(_order("2", rate="19"), IdempotencyKey("s", 501))
        assert "19 %" in caught.value.message and servers.pos.sell_list() == []
    finally:
        await backend.aclose()


async def test_round_off_absorbs_the_difference_and_no_secret_is_captured(
    servers: AurposServers,
) -> None:
    backend = _backend(servers)
    try:
        ref = await backend.create_sale(_order("2"), IdempotencyKey("s", 501))
        (sell,) = servers.pos.sell_list()
        assert Decimal(sell["final_total"]) == Decimal("6.01")
        assert backend.last_round_off == Decimal("0.01") and "round-off 0.01" in sell["staff_note"]
        assert ref.number == "501" and not ref.existing
        again = await backend.create_sale(_order("2"), IdempotencyKey("s", 501))
        assert again.existing and again.id == ref.id and len(servers.pos.sell_list()) == 1
        capture = backend.last_capture
        assert capture is not None
        text = repr(capture) + repr(backend) + repr(backend.settings)
        tokens = servers.pos_server.server.config.app.state.aurpos.tokens
        for secret in (DEMO_CLIENT.secret, DEMO_USER.password, *tokens.access, *tokens.refresh):
            assert secret not in text
    finally:
        await backend.aclose()


async def test_auto_base_path_names_both_urls_when_neither_is_the_api(
    servers: AurposServers,
) -> None:
    servers.pos.knobs.update(token_html=True)
    backend = _backend(servers)  # base_path = "auto"
    try:
        summary = (await backend.check()).summary
        url = servers.pos_server.url
        assert f"{url}/oauth/token" in summary and f"{url}/public/oauth/token" in summary
        assert "Connector API" in summary
    finally:
        await backend.aclose()
