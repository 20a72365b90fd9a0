"""KoronaBackend sales against the KORONA sandbox: receipts, idempotency, voids, errors.

Same loopback server and OpenAPI contract recorder as the read tests; their
fixtures are imported by name, which ruff reads as redefinitions (F811).
"""
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.backends import IdempotencyKey, SaleState
from engine.backends.korona import DailyLimitExceeded
from engine.errors import AuthError, FailureKind, ValidationError
from engine.model import Customer, Money, Order, OrderLine, Payment
from sandbox.korona import ORG_WAREHOUSE_ID, PAYMENT_CARD_ID, POS_WEBSHOP_ID, KoronaSandbox
from tests.integration.test_korona_adapter_reads import (  # noqa: F401 - fixtures
    contract,
    kb,
    make_backend,
    slot,
)

KEY = IdempotencyKey("shop1", 4711, 1)
RECEIPTS_ROUTE = "/pointsOfSale/{pointOfSaleId}/receipts"
_CENT = Decimal("0.01")


def _sellable(kb: KoronaSandbox, count: int) -> list[tuple[str, Decimal]]:
    """(number, webshop gross price) of tracked, active products with stock rows."""
    found = []
    for row in kb.catalog.table:
        if not row.active or row.deactivated or not row.track_inventory or not row.prices:
            continue
        if kb.stock_of(row.number) is None:
            continue
        found.append((row.number, row.prices[-1].value))
        if len(found) == count:
            return found
    raise AssertionError("sandbox has too few sellable products")


def _eur(value: Decimal | str) -> Money:
    return Money(Decimal(value), "EUR")


def _line(number: str, gross_unit: Decimal, quantity: int) -> OrderLine:
    gross = gross_unit * quantity
    net = (gross / Decimal("1.2")).quantize(_CENT)
    return OrderLine(
        sku=number, name=f"Product {number}", quantity=Decimal(quantity),
        unit_price=_eur(gross_unit), total=_eur(net), tax=_eur(gross - net),
    )  # fmt: skip


def make_order(kb: KoronaSandbox, *, shipping: str = "0", sku: str | None = None) -> Order:
    (n1, p1), (n2, p2) = _sellable(kb, 2)
    lines = (_line(sku or n1, p1, 2), _line(n2, p2, 1))
    ship_net = Decimal(shipping)
    ship_tax = (ship_net * Decimal("0.2")).quantize(_CENT)
    total = sum((ln.total.amount + ln.tax.amount for ln in lines), ship_net + ship_tax)
    taxes = sum((ln.tax.amount for ln in lines), ship_tax)
    return Order(
        woo_id=4711, number="4711", status="processing", currency="EUR",
        customer=Customer(email="eva@example.com", first_name="Eva", last_name="Moser"),
        lines=lines, payment=Payment("stripe", "Card", _eur(total), transaction_id="pi_42"),
        shipping=_eur(ship_net), shipping_tax=_eur(ship_tax), discount=_eur("0"),
        total=_eur(total), total_tax=_eur(taxes), prices_include_tax=True,
        modified_gmt=datetime(2025, 6, 2, 9, 30, tzinfo=UTC),
    )  # fmt: skip


async def test_create_sale_twice_books_one_receipt(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend()
    order = make_order(kb)
    before = kb.stock_of(order.lines[0].sku)
    first = await backend.create_sale(order, KEY)
    posts = kb.stats.count("POST", RECEIPTS_ROUTE)  # 2: refused as not coupled, coupled, posted
    second = await backend.create_sale(order, KEY)
    receipts = kb.receipts(POS_WEBSHOP_ID)
    assert len(receipts) == 1
    assert kb.stats.count("POST", RECEIPTS_ROUTE) == posts, "a retry must look up, not re-post"
    assert (first.existing, second.existing) == (False, True)
    assert first.id == second.id == receipts[0]["id"] and first.state is SaleState.BOOKED
    receipt = receipts[0]
    assert receipt["number"] == KEY.value and receipt["orderNumber"] == "4711"
    assert receipt["externalReferences"]["tillsync-key"] == KEY.value
    assert receipt["externalReferences"]["customer-email"] == "eva@example.com"
    assert receipt["payments"][0]["paymentMethod"]["id"] == PAYMENT_CARD_ID
    assert receipt["total"]["gross"] == order.total.amount
    assert kb.coupling_id(POS_WEBSHOP_ID) == "tillsync-test-device"  # coupled on first use
    assert kb.stock_of(order.lines[0].sku) == before - 2
    assert await backend.find_sale(KEY) == second


async def test_shipping_is_booked_as_a_line_of_the_configured_product(
    make_backend, kb: KoronaSandbox
) -> None:
    shipping_number = _sellable(kb, 3)[2][0]
    backend = make_backend(shipping_product=shipping_number)
    order = make_order(kb, shipping="4.90")
    await backend.create_sale(order, KEY)
    (receipt,) = kb.receipts()
    items = receipt["items"]
    assert items[-1]["product"]["number"] == shipping_number
    assert items[-1]["total"]["gross"] == Decimal("5.88")
    assert receipt["total"]["gross"] == order.total.amount


async def test_lost_answer_after_commit_links_the_booked_receipt(
    make_backend, kb: KoronaSandbox
) -> None:
    kb.knobs.update(receipt_fault="commit_then_500")
    ref = await make_backend().create_sale(make_order(kb), KEY)
    assert len(kb.receipts()) == 1
    assert ref.existing and ref.id == kb.receipts()[0]["id"]


async def test_void_posts_one_reversal_and_restores_stock(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend()
    await backend.select_location(POS_WEBSHOP_ID)
    order = make_order(kb)
    before = kb.stock_of(order.lines[0].sku)
    sale = await backend.create_sale(order, KEY)
    void = await backend.void_sale(sale, KEY)
    again = await backend.void_sale(sale, KEY.for_void())
    receipts = kb.receipts()
    assert len(receipts) == 2
    (original,) = [r for r in receipts if not r.get("reversal")]
    (reversal,) = [r for r in receipts if r.get("reversal")]
    assert void.state is SaleState.VOIDED and void.reverses == sale.id and not void.existing
    assert again.existing and again.id == void.id == reversal["id"]
    assert kb.stats.count("POST", RECEIPTS_ROUTE) == 2  # the sale and one reversal
    assert reversal["reversal"] is True and reversal["reversedReceipt"]["id"] == sale.id
    assert reversal["number"] == KEY.for_void().value
    assert reversal["total"]["gross"] == -order.total.amount
    assert original["cancelled"] is True
    assert kb.stock_of(order.lines[0].sku, ORG_WAREHOUSE_ID) == before


async def test_parallel_update_429_on_the_post_is_retried(make_backend, kb: KoronaSandbox) -> None:
    kb.knobs.update(scripted=["ok", "429"])  # the look-up passes, the POST is throttled once
    backend = make_backend()
    ref = await backend.create_sale(make_order(kb), KEY)
    assert len(kb.receipts()) == 1 and not ref.existing
    assert kb.stats.faults["429"] == 1 and backend.client.stats.retries == 1


async def test_daily_limit_stops_without_booking_or_retrying(
    make_backend, kb: KoronaSandbox
) -> None:
    kb.knobs.update(scripted=["daily"])
    backend = make_backend()
    with pytest.raises(DailyLimitExceeded) as info:
        await backend.create_sale(make_order(kb), KEY)
    assert info.value.kind is FailureKind.RATE_LIMITED and "daily" in info.value.hint
    assert kb.receipts() == [] and backend.client.stats.retries == 0


async def test_wrong_password_is_an_auth_failure(make_backend, kb: KoronaSandbox) -> None:
    backend = make_backend(password="wrong-password")
    with pytest.raises(AuthError) as info:
        await backend.create_sale(make_order(kb), KEY)
    assert info.value.status == 401 and info.value.kind is FailureKind.AUTH
    assert "wrong-password" not in str(info.value) and "wrong-password" not in repr(
        info.value.capture
    )
    assert kb.receipts() == []


async def test_unknown_product_is_a_validation_failure(make_backend, kb: KoronaSandbox) -> None:
    with pytest.raises(ValidationError, match=r"UNRESOLVED_RELATION|does not exist"):
        await make_backend().create_sale(make_order(kb, sku="no-such-article"), KEY)
    assert kb.receipts() == []
