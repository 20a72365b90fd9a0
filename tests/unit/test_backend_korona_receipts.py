"""WooCommerce order -> KORONA receipt (and its reversal), without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.backends import IdempotencyKey, SaleState
from engine.backends.korona import KoronaSettings
from engine.backends.korona.receipts import (
    ItemTax,
    ReceiptRefs,
    product_handles,
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
    warehouse_id="3",
    price_group="Webshop",
    payment_methods={"stripe": "pm-card-uuid", "cod": "3"},
    shipping_product="9999",
)
WAREHOUSE = "5a0d7c1e-3b2f-4e6a-8c9d-1f2e3a4b5c6d"
STANDARD_TAX = "7e3b1c9a-2d4f-4a6b-8c1d-9e0f1a2b3c4d"
REDUCED_TAX = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


def _tax(n: int, rate: str, sales_tax: str = STANDARD_TAX) -> ItemTax:
    return ItemTax(
        f"00000000-0000-4000-8000-00000000000{n}", f"sector-{rate}", sales_tax, Decimal(rate)
    )


ITEMS = {
    "p1": _tax(1, "20"),
    "2002": _tax(2, "20"),
    "9999": _tax(9, "20"),
    "9002": _tax(8, "10", REDUCED_TAX),
}
REFS = ReceiptRefs(ITEMS, WAREHOUSE)


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
    receipt = receipt_from_order(_order(), KEY, SETTINGS, REFS)
    assert receipt["number"] == KEY.value
    assert receipt["orderNumber"] == "501"
    refs = receipt["externalReferences"]
    assert refs["tillsync-key"] == KEY.value and refs["woocommerce-order-id"] == "501"
    assert refs["customer-email"] == "ann@example.com" and refs["customer-name"] == "Ann Lee"
    assert "pointOfSale" not in receipt  # the caller adds the resolved POS
    assert receipt["warehouse"] == {"id": WAREHOUSE}
    assert "customer" not in receipt


def test_booking_time_is_when_the_order_reached_its_trigger_status() -> None:
    paid = datetime(2025, 6, 3, 8, 15, tzinfo=UTC)
    receipt = receipt_from_order(_order(trigger_gmt=paid), KEY, SETTINGS, REFS)
    assert receipt["bookingTime"] == "2025-06-03T08:15:00+00:00"
    assert receipt["creationTime"] == "2025-06-01T11:59:30+00:00"  # when it was placed
    unknown = receipt_from_order(_order(), KEY, SETTINGS, REFS)  # WooCommerce did not say
    assert unknown["bookingTime"] == unknown["creationTime"] == "2025-06-01T11:59:30+00:00"


def test_receipt_names_the_customer_the_customers_job_created() -> None:
    customer = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
    refs = ReceiptRefs(ITEMS, WAREHOUSE, customer_id=customer)
    assert receipt_from_order(_order(), KEY, SETTINGS, refs)["customer"] == {"id": customer}


def test_receipt_lines_taxes_shipping_and_payment_reconcile_to_the_cent() -> None:
    receipt = receipt_from_order(_order(), KEY, SETTINGS, REFS)
    first, second, shipping = receipt["items"]
    assert first["product"] == {"id": ITEMS["p1"].product_id}
    assert second["product"] == {"id": ITEMS["2002"].product_id}
    assert first["sector"] == {"id": "sector-20"}
    assert first["total"] == {
        "base": Decimal("10.08"), "gross": Decimal("10.08"), "net": Decimal("8.40"),
        "taxPayments": [{"amount": Decimal("1.68"), "taxRate": Decimal("20"), "included": True,
                         "salesTax": {"id": STANDARD_TAX}}],
    }  # fmt: skip
    assert shipping["product"] == {"id": ITEMS["9999"].product_id} and shipping["quantity"] == 1
    gross = sum(item["total"]["gross"] for item in receipt["items"])
    assert gross == Decimal("27.08") == receipt["payments"][0]["amount"]
    assert receipt["payments"][0]["paymentMethod"] == {"number": "pm-card-uuid"}
    assert receipt["payments"][0]["transactionToken"] == "ch_1"


def test_lines_carry_korona_s_rate_not_one_recomputed_from_shop_amounts() -> None:
    """10.03 net with 2.00 tax is 19.94 % by arithmetic; KORONA's sales tax says 20."""
    line = OrderLine(
        sku="2002", name="Mug", quantity=Decimal(1), unit_price=_eur("12.03"),
        total=_eur("10.03"), tax=_eur("2.00"),
    )  # fmt: skip
    order = _order(lines=(line,), shipping=_eur("0"), shipping_tax=_eur("0"), total=_eur("12.03"))
    (item,) = receipt_from_order(order, KEY, SETTINGS, REFS)["items"]
    (payment,) = item["total"]["taxPayments"]
    assert payment == {
        "amount": Decimal("2.00"), "taxRate": Decimal("20"), "included": True,
        "salesTax": {"id": STANDARD_TAX},
    }  # fmt: skip


def test_a_product_korona_does_not_know_is_sent_for_korona_to_refuse() -> None:
    refs = ReceiptRefs({**ITEMS, "2002": None}, WAREHOUSE)
    second = receipt_from_order(_order(), KEY, SETTINGS, refs)["items"][1]
    assert second["product"] == {"number": "2002"} and "sector" not in second
    assert second["total"]["taxPayments"] == [{"amount": Decimal("2.00"), "included": True}]


def test_net_taxes_use_net_as_base() -> None:
    settings = KoronaSettings(**{**SETTINGS.__dict__, "taxes_included": False})
    item = receipt_from_order(_order(), KEY, settings, REFS)["items"][0]
    assert item["total"]["base"] == Decimal("8.40")
    assert item["total"]["taxPayments"][0]["included"] is False


def test_payment_method_by_uuid_is_referenced_by_id() -> None:
    uuid = "6f1c3a52-8d1e-4b55-9a1c-0e9b2d7f4c11"
    settings = KoronaSettings(**{**SETTINGS.__dict__, "payment_methods": {"stripe": uuid}})
    payment = receipt_from_order(_order(), KEY, settings, REFS)["payments"][0]
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
        receipt_from_order(_order(**changes), KEY, settings, REFS)


def test_line_without_sku_is_refused() -> None:
    line = OrderLine("", "Gift", Decimal(1), _eur("1"), _eur("1"), _eur("0"))
    with pytest.raises(ConfigError, match="has no SKU"):
        product_handles(_order(lines=(line,)), SETTINGS)


def test_fee_without_fee_product_is_refused_with_the_setting_to_fix() -> None:
    fee = OrderLine("", "Gift wrap", Decimal(1), _eur("2"), _eur("2"), _eur("0"))
    with pytest.raises(ConfigError, match="Gift wrap") as refused:
        product_handles(_order(fees=(fee,)), SETTINGS)
    assert "fee_product" in refused.value.hint and "SKU" not in refused.value.hint
    settings = KoronaSettings(**{**SETTINGS.__dict__, "fee_product": "9002"})
    assert product_handles(_order(fees=(fee,)), settings) == ("p1", "2002", "9002", "9999")
    items = receipt_from_order(_order(fees=(fee,)), KEY, settings, REFS)["items"]
    fee_item = items[-2]  # the fee, before shipping
    assert (fee_item["description"], fee_item["product"]) == (
        "Gift wrap",
        {"id": ITEMS["9002"].product_id},
    )


def test_reversal_negates_everything_and_points_at_the_original() -> None:
    original = decode_json(encode_json(receipt_from_order(_order(), KEY, SETTINGS, REFS)))
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
