"""KORONA wire <-> canonical record mapping, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from engine.backends import IdempotencyKey, SaleState
from engine.backends.korona import KoronaSettings
from engine.backends.korona.catalog import (
    PriceRule,
    category_from_wire,
    is_external_pos,
    location_from_org_unit,
    location_from_pos,
    price_group_from_wire,
    product_from_wire,
    sales_tax_from_wire,
    stock_level_from_wire,
    tax_code_from_wire,
)
from engine.backends.korona.errors import (
    DailyLimitExceeded,
    KoronaConfigError,
    parse_korona_error,
    seconds_until_quota_reset,
    translate,
)
from engine.backends.korona.receipts import (
    receipt_from_order,
    reversal_of,
    sale_ref_from_receipt,
    sale_ref_from_results,
)
from engine.backends.korona.wire import ResultList, decode_json, encode_json
from engine.errors import AuthError, ConfigError, FailureKind, RateLimitedError, ValidationError
from engine.model import Customer, LocationKind, Money, Order, OrderLine, Payment

NOW = datetime(2025, 6, 1, tzinfo=UTC)
WEB = {"id": "pg-web", "name": "Webshop", "number": "2"}
RETAIL = {"id": "pg-retail", "name": "Retail", "number": "1"}


def _product(**extra: object) -> dict:
    body = decode_json(
        b"""{"id": "p1", "number": "1001", "name": "Espresso", "revision": 17, "active": true,
        "sector": {"id": "sec-std"}, "commodityGroup": {"id": "cg-coffee"},
        "codes": [{"productCode": "4000000000017"}], "trackInventory": true,
        "descriptions": [{"type": "RECEIPT_TEXT", "text": "Esp"},
                         {"type": "DESCRIPTION", "text": "Strong coffee"}],
        "mediaUrls": [{"url": "https://img.example/e.jpg"}],
        "prices": [
          {"value": 2.5, "priceGroup": {"id": "pg-retail", "name": "Retail"},
           "validFrom": "2020-01-01T00:00:00Z"},
          {"value": 2.49, "priceGroup": {"id": "pg-web", "name": "Webshop"},
           "validFrom": "2020-01-01T00:00:00Z"},
          {"value": 2.39, "priceGroup": {"id": "pg-web", "name": "Webshop"},
           "validFrom": "2025-01-01T00:00:00+00:00"},
          {"value": 1.99, "priceGroup": {"id": "pg-web", "name": "Webshop"},
           "validFrom": "2030-01-01T00:00:00Z"},
          {"value": 9.99, "priceGroup": {"id": "pg-web"}, "productCode": "4000000000024"},
          {"value": 2.10, "priceGroup": {"id": "pg-web"}, "organizationalUnit": {"id": "ou"},
           "validFrom": "2025-05-01T00:00:00Z"}
        ]}"""
    )
    body.update(extra)
    return body


def test_product_maps_fields_and_picks_current_price_of_the_group() -> None:
    product = product_from_wire(_product(), PriceRule("Webshop", "EUR"), NOW)
    assert product.id == "p1" and product.sku == "1001" and product.name == "Espresso"
    assert product.price == Money(Decimal("2.39"), "EUR")
    assert isinstance(product.price.amount, Decimal)
    assert product.tax_code_id == "sec-std"
    assert product.category_ids == ("cg-coffee",)
    assert product.codes == ("4000000000017",)
    assert product.description == "Strong coffee"
    assert product.image_urls == ("https://img.example/e.jpg",)
    assert product.active and product.track_stock
    assert product.revision == 17


def test_price_group_may_be_named_by_id_or_number() -> None:
    by_id = product_from_wire(_product(), PriceRule("pg-retail", "EUR"), NOW)
    assert by_id.price == Money(Decimal("2.5"), "EUR")
    missing = product_from_wire(_product(), PriceRule("Staff", "EUR"), NOW)
    assert missing.price is None


@pytest.mark.parametrize(
    "extra",
    [{"active": False, "number": None}, {"deactivated": True}],
)
def test_deleted_or_deactivated_products_are_inactive(extra: dict) -> None:
    product = product_from_wire(_product(**extra), PriceRule(None, "EUR"), NOW)
    assert product.active is False


def test_category_hierarchy_comes_from_parent_commodity_group() -> None:
    child = category_from_wire(
        {"id": "c2", "number": "20", "name": "Beans", "parentCommodityGroup": {"id": "c1"}}
    )
    root = category_from_wire({"id": "c1", "name": "Coffee", "active": True})
    assert child.parent_id == "c1" and child.number == "20"
    assert root.parent_id is None and root.number is None


def test_sector_takes_the_current_rate_of_its_first_sales_tax() -> None:
    tax = sales_tax_from_wire(
        decode_json(
            b"""{"id": "t20", "name": "Standard", "included": true, "rates": [
            {"rate": 19, "validFrom": "2007-01-01T00:00:00Z"},
            {"rate": 20, "validFrom": "2025-01-01T00:00:00Z"},
            {"rate": 21, "validFrom": "2031-01-01T00:00:00Z"}]}"""
        ),
        NOW,
    )
    other = sales_tax_from_wire({"id": "t0", "name": "Free", "rates": [{"rate": 0}]}, NOW)
    sector = {
        "id": "sec",
        "name": "Standard goods",
        "salesTaxes": [
            {"index": 1, "salesTax": {"id": "t0"}},
            {"index": 0, "salesTax": {"id": "t20"}},
        ],
    }
    code = tax_code_from_wire(sector, {"t20": tax, "t0": other})
    assert code.rate == Decimal(20) and code.included and code.name == "Standard goods"
    assert tax_code_from_wire({"id": "s", "name": "x"}, {}).rate is None


def test_only_external_points_of_sale_are_selectable() -> None:
    external = location_from_pos({"id": "a", "name": "Web", "type": "EXTERNAL", "coupled": False})
    till = location_from_pos({"id": "b", "name": "Till 1", "type": "STANDARD"})
    assert external.selectable and external.kind is LocationKind.POINT_OF_SALE
    assert "not coupled" in external.detail
    assert not till.selectable and "only External POS" in till.detail
    assert is_external_pos({"external": True}) and not is_external_pos({"type": "SCO"})


def test_org_units_with_a_warehouse_hold_stock() -> None:
    assert location_from_org_unit({"id": "w", "name": "WH", "warehouse": True}).kind is (
        LocationKind.WAREHOUSE
    )
    office = location_from_org_unit({"id": "o", "name": "Office"})
    assert office.kind is LocationKind.BRANCH and not office.selectable


def test_stock_level_uses_actual_amount_as_decimal() -> None:
    row = decode_json(
        b"""{"product": {"id": "p1", "number": "1001"}, "warehouse": {"id": "w1"},
        "amount": {"actual": 12.5, "ordered": 100}, "revision": 88}"""
    )
    level = stock_level_from_wire(row, "fallback")
    assert level.quantity == Decimal("12.5") and isinstance(level.quantity, Decimal)
    assert (level.product_id, level.location_id, level.sku, level.revision) == (
        "p1",
        "w1",
        "1001",
        88,
    )
    assert stock_level_from_wire({"product": {"id": "p"}}, "w2").quantity == 0


def test_price_group_record() -> None:
    group = price_group_from_wire(
        {"id": "g", "name": "Net", "netPrices": True, "currency": {"number": "EUR"}}
    )
    assert group.net_prices and group.currency == "EUR"


def test_result_list_envelope_and_204() -> None:
    assert ResultList.parse(None).results == ()
    parsed = ResultList.parse(
        {"results": [{"id": 1}], "maxRevision": 9, "pagesTotal": 3, "resultsTotal": 250}
    )
    assert parsed.max_revision == 9 and parsed.pages_total == 3 and parsed.results_total == 250
    with pytest.raises(ValidationError):
        ResultList.parse([1, 2])


def test_decimals_round_trip_through_json_without_float_drift() -> None:
    body = {"a": Decimal("19.99"), "b": Decimal("0.10"), "c": Decimal(3)}
    assert encode_json(body) == b'{"a":19.99,"b":0.1,"c":3}'
    assert decode_json(encode_json(body))["a"] == Decimal("19.99")


# ---- receipts -------------------------------------------------------------

SETTINGS = KoronaSettings(
    base_url="https://167.koronacloud.com/web/api/v3/",
    account_id="acc",
    user="api",
    password="secret-pw",
    point_of_sale_id="pos-ext",
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
    assert receipt["pointOfSale"] == {"id": "pos-ext"} and receipt["warehouse"] == {"id": "wh-1"}
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


# ---- errors and settings ---------------------------------------------------


def test_error_parser_reads_code_and_message() -> None:
    response = httpx.Response(429, json={"code": "DAILY_LIMIT_EXCEEDED", "message": "quota"})
    assert parse_korona_error(response) == ("DAILY_LIMIT_EXCEEDED", "quota", {})
    assert parse_korona_error(httpx.Response(401, content=b"")) is None


def test_translate_separates_daily_quota_from_pos_configuration() -> None:
    daily = translate(RateLimitedError("429", status=429, code="DAILY_LIMIT_EXCEEDED"))
    assert isinstance(daily, DailyLimitExceeded) and daily.kind is FailureKind.RATE_LIMITED
    assert "daily" in daily.hint
    pos = translate(AuthError("403", status=403, code="POINT_OF_SALE_NOT_EXTERNAL"))
    assert isinstance(pos, KoronaConfigError) and pos.kind is FailureKind.CONFIG
    other = AuthError("401", status=401)
    assert translate(other) is other


def test_quota_resets_at_next_utc_midnight() -> None:
    assert seconds_until_quota_reset(datetime(2025, 6, 1, 23, 0, tzinfo=UTC)) == 3600


def test_settings_hide_secrets_and_refuse_unknown_keys() -> None:
    assert "secret-pw" not in repr(SETTINGS) and "couple-me" not in repr(SETTINGS)
    assert SETTINGS.base_url.endswith("/v3")
    with pytest.raises(ConfigError, match="unknown KORONA settings: pasword"):
        KoronaSettings.from_mapping(
            {"base_url": "x", "account_id": "a", "user": "u", "pasword": "p"}
        )
    with pytest.raises(ConfigError, match="missing: password"):
        KoronaSettings(base_url="x", account_id="a", user="u", password="")


def test_settings_accept_a_pydantic_model_with_secret_str() -> None:
    from pydantic import BaseModel, SecretStr

    class Config(BaseModel):
        base_url: str
        account_id: str
        user: str
        password: SecretStr

    model = Config(base_url="https://k/web/api/v3", account_id="a", user="u", password="pw")
    assert KoronaSettings.coerce(model).password == "pw"
