"""WooCommerce order -> KORONA receipt (and its reversal), without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.backends import IdempotencyKey, SaleState
from engine.backends.korona import KoronaSettings
from engine.backends.korona.receipts import (
    receipt_from_order,
    reversal_of,
    sale_ref_from_receipt,
    sale_ref_from_results,
)
from engine.backends.korona.wire import decode_json, encode_json
from engine.errors import ConfigError, ValidationError
from engine.model import Customer, Money, Order, OrderLine, Payment

SETTINGS = KoronaSettings(
    base_url="https://167.koronacloud.com/web/api/v3/",
    account_id="acc",
    user="api",
    password="secret-pw",
    point_of_sale_id="0b7e2a4c-5d1f-4e3a-9c8b-7a6f5e4d3c2b",
    coupling_id="couple-me",
    warehouse_id="wh-1",
    payment_methods={"stripe": "pm-card-uuid", "cod": "3"},
    shipping_product="9999",
)


def _eur(value: str) -> Money:
    return Money.of(value, "EUR")


def _order(**changes: object) -> Order:
    line = OrderLine(
        sku="1001", name="Espresso", quantity=Decimal(2), unit_price=_eur("4.20"),
        total=_eur("8.40"), tax=_eur("1.68"), backoffice_product_id="p1",
    )  # fmt: skip
    line2 = OrderLine(
        sku="2002", name="Mug", quantity=Decimal(1), unit_price=_eur("10.00"),
        total=_eur("10.00"), tax=_eur("2.00"),
    )  # fmt: skip
    values: dict = dict(
        woo_id=501, number="501", status="processing", currency="EUR",
        customer=Customer(email="ann@example.com", first_name="Ann", last_name="Lee"),
        lines=(line, line2),
        payment=Payment("stripe", "Card", _eur("27.08"), transaction_id="ch_1"),
        shipping=_eur("4.17"), shipping_tax=_eur("0.83"), discount=_eur("0"),
        total=_eur("27.08"), total_tax=_eur("4.51"), prices_include_tax=True,
        modified_gmt=datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
        created_gmt=datetime(2025, 6, 1, 11, 59, 30, tzinfo=UTC),
    )  # fmt: skip
    values.update(changes)
    return Order(**values)


KEY = IdempotencyKey("shop1", 501, 0)


def test_receipt_carries_the_key_where_it_can_be_looked_up() -> None:
    receipt = receipt_from_order(_order(), KEY, SETTINGS)
    assert receipt["number"] == KEY.value
    assert receipt["orderNumber"] == "501"
    refs = receipt["externalReferences"]
    assert refs["tillsync-key"] == KEY.value and refs["woocommerce-order-id"] == "501"
    assert refs["customer-email"] == "ann@example.com" and refs["customer-name"] == "Ann Lee"
    assert receipt["pointOfSale"] == {"id": "0b7e2a4c-5d1f-4e3a-9c8b-7a6f5e4d3c2b"} and receipt[
        "warehouse"
    ] == {"id": "wh-1"}
    assert receipt["bookingTime"] == "2025-06-01T11:59:30+00:00"


def test_receipt_lines_taxes_shipping_and_payment_reconcile_to_the_cent() -> None:
    receipt = receipt_from_order(_order(), KEY, SETTINGS)
    first, second, shipping = receipt["items"]
    assert first["product"] == {"id": "p1"} and second["product"] == {"number": "2002"}
    assert first["total"] == {
        "base": Decimal("10.08"), "gross": Decimal("10.08"), "net": Decimal("8.40"),
        "taxPayments": [{"amount": Decimal("1.68"), "taxRate": Decimal("20.00"), "included": True}],
    }  # fmt: skip
    assert shipping["product"] == {"number": "9999"} and shipping["quantity"] == 1
    gross = sum(item["total"]["gross"] for item in receipt["items"])
    assert gross == Decimal("27.08") == receipt["payments"][0]["amount"]
    assert receipt["payments"][0]["paymentMethod"] == {"number": "pm-card-uuid"}
    assert receipt["payments"][0]["transactionToken"] == "ch_1"


def test_net_taxes_use_net_as_base() -> None:
    settings = KoronaSettings(**{**SETTINGS.__dict__, "taxes_included": False})
    item = receipt_from_order(_order(), KEY, settings)["items"][0]
    assert item["total"]["base"] == Decimal("8.40")
    assert item["total"]["taxPayments"][0]["included"] is False


def test_payment_method_by_uuid_is_referenced_by_id() -> None:
    uuid = "6f1c3a52-8d1e-4b55-9a1c-0e9b2d7f4c11"
    settings = KoronaSettings(**{**SETTINGS.__dict__, "payment_methods": {"stripe": uuid}})
    payment = receipt_from_order(_order(), KEY, settings)["payments"][0]
    assert payment["paymentMethod"] == {"id": uuid}


@pytest.mark.parametrize(
    ("changes", "settings_changes", "message"),
    [
        ({}, {"payment_methods": {}}, "no KORONA payment method mapped"),
        ({}, {"shipping_product": None}, "no KORONA shipping product"),
        ({"currency": "USD"}, {}, "is in USD"),
    ],
)
def test_missing_mappings_are_config_errors(
    changes: dict, settings_changes: dict, message: str
) -> None:
    settings = KoronaSettings(**{**SETTINGS.__dict__, **settings_changes})
    with pytest.raises(ConfigError, match=message):
        receipt_from_order(_order(**changes), KEY, settings)


def test_line_without_sku_is_refused() -> None:
    line = OrderLine("", "Gift", Decimal(1), _eur("1"), _eur("1"), _eur("0"))
    with pytest.raises(ConfigError, match="has no SKU"):
        receipt_from_order(_order(lines=(line,)), KEY, SETTINGS)


def test_fee_without_fee_product_is_refused_with_the_setting_to_fix() -> None:
    fee = OrderLine("", "Gift wrap", Decimal(1), _eur("2"), _eur("2"), _eur("0"))
    with pytest.raises(ConfigError, match="Gift wrap") as refused:
        receipt_from_order(_order(fees=(fee,)), KEY, SETTINGS)
    assert "fee_product" in refused.value.hint and "SKU" not in refused.value.hint
    settings = KoronaSettings(**{**SETTINGS.__dict__, "fee_product": "9002"})
    items = receipt_from_order(_order(fees=(fee,)), KEY, settings)["items"]
    fee_item = items[-2]  # the fee, before shipping
    assert (fee_item["description"], fee_item["product"]) == ("Gift wrap", {"number": "9002"})


def test_reversal_negates_everything_and_points_at_the_original() -> None:
    original = decode_json(encode_json(receipt_from_order(_order(), KEY, SETTINGS)))
    original.update({"id": "r-1", "revision": 5, "total": {"gross": 27.08}})
    reversal = reversal_of(original, KEY)
    assert reversal["number"] == KEY.for_void().value
    assert reversal["reversal"] is True
    assert reversal["reversedReceipt"] == {"id": "r-1", "number": KEY.value}
    assert reversal["externalReferences"]["tillsync-key"] == KEY.for_void().value
    assert [i["quantity"] for i in reversal["items"]] == [-2, -1, -1]
    assert sum(i["total"]["gross"] for i in reversal["items"]) == Decimal("-27.08")
    assert reversal["items"][0]["total"]["taxPayments"][0]["amount"] == Decimal("-1.68")
    assert reversal["payments"][0]["amount"] == Decimal("-27.08")
    assert "total" not in reversal and "revision" not in reversal and "id" not in reversal


def test_sale_refs_from_receipts_and_results() -> None:
    found = sale_ref_from_receipt({"id": "r", "number": KEY.value, "externalReferences": {}})
    assert found.existing and found.state is SaleState.BOOKED and found.key == KEY.value
    reversal = sale_ref_from_receipt({"id": "v", "reversal": True, "reversedReceipt": {"id": "r"}})
    assert reversal.state is SaleState.VOIDED and reversal.reverses == "r"
    ok = sale_ref_from_results([{"status": "OK", "action": "ADDED", "id": "r9"}], KEY)
    assert ok.id == "r9" and ok.number == KEY.value and not ok.existing
    queued = sale_ref_from_results([{"status": "OK", "action": "QUEUED"}], KEY)
    assert queued.state is SaleState.PENDING
    with pytest.raises(ValidationError, match="UNRESOLVED"):
        sale_ref_from_results([{"status": "ERROR", "message": "UNRESOLVED_RELATION product"}], KEY)
