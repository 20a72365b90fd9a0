"""KORONA master data wire -> canonical records, errors and settings, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

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
from engine.backends.korona.choices import ChosenPriceGroup, match_price_group
from engine.backends.korona.errors import (
    DailyLimitExceeded,
    KoronaConfigError,
    UnknownHandle,
    parse_korona_error,
    seconds_until_quota_reset,
    translate,
)
from engine.backends.korona.wire import ResultList, decode_json, encode_json
from engine.errors import AuthError, ConfigError, FailureKind, RateLimitedError, ValidationError
from engine.model import LocationKind, Money
from tests.unit.test_backend_korona_receipts import SETTINGS

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
    product = product_from_wire(_product(), PriceRule("pg-web", "EUR"), NOW)
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


def test_price_rows_are_matched_by_the_group_id_not_a_nested_name() -> None:
    by_id = product_from_wire(_product(), PriceRule("pg-retail", "EUR"), NOW)
    assert by_id.price == Money(Decimal("2.5"), "EUR")
    # the config's name "Webshop" is resolved to an id first; a name is never matched
    assert product_from_wire(_product(), PriceRule("Webshop", "EUR"), NOW).price is None
    impostor = _product(prices=[{"value": 7, "priceGroup": {"id": "pg-x", "name": "Webshop"}}])
    assert product_from_wire(impostor, PriceRule("pg-web", "EUR"), NOW).price is None


@pytest.mark.parametrize(
    ("net_prices", "shop_includes_tax", "expected"),
    [
        (True, True, "2.87"),  # net 2.39 + 20 % of the product's sector
        (False, False, "1.99"),  # gross 2.39 without 20 %
        (True, False, "2.39"),  # both net: as it is
        (False, True, "2.39"),  # both gross: as it is
    ],
)
def test_net_and_gross_convert_with_the_sector_rate(
    net_prices: bool, shop_includes_tax: bool, expected: str
) -> None:
    rule = PriceRule("pg-web", "EUR", net_prices, shop_includes_tax, {"sec-std": Decimal(20)})
    product = product_from_wire(_product(), rule, NOW)
    assert product.price == Money(Decimal(expected), "EUR")


def test_a_price_needing_a_rate_without_one_is_not_published() -> None:
    rule = PriceRule("pg-web", "EUR", net_prices=True, shop_includes_tax=True, rates={})
    assert product_from_wire(_product(), rule, NOW).price is None


def test_price_group_from_config_resolves_by_id_number_then_name() -> None:
    rows = [
        {"id": "pg-retail", "number": "1", "name": "Retail", "netPrices": False},
        {"id": "pg-web", "number": "2", "name": "Webshop", "netPrices": True},
        {"id": "pg-old", "number": "3", "name": "Webshop", "active": False},
    ]
    assert match_price_group(rows, "pg-web") == ChosenPriceGroup("pg-web", "Webshop", True)
    assert match_price_group(rows, "1").id == "pg-retail"
    assert match_price_group(rows, "Webshop").id == "pg-web"  # the inactive one is no choice
    with pytest.raises(UnknownHandle):
        match_price_group(rows, "Staff")
    twins = [*rows, {"id": "pg-twin", "number": "4", "name": "Retail"}]
    with pytest.raises(ConfigError, match="2 KORONA price groups are called 'Retail'") as info:
        match_price_group(twins, "Retail")
    assert "1 Retail, 4 Retail" in info.value.hint


@pytest.mark.parametrize(
    ("props", "key", "expected"),
    [
        ({"weight": "0.250", "weightUnit": "kg"}, "weight", Decimal("0.250")),
        ({"Gewicht": "1,5"}, "Gewicht", Decimal("1.5")),
        ({"weight": "heavy"}, "weight", None),
        ({"weight": "-1"}, "weight", None),
        ({"weight": "0.250"}, None, None),
        ({}, "weight", None),
    ],
)
def test_weight_comes_from_the_configured_custom_property(
    props: dict, key: str | None, expected: Decimal | None
) -> None:
    rule = PriceRule("pg-web", "EUR")
    product = product_from_wire(_product(customProperties=props), rule, NOW, weight_key=key)
    assert product.weight == expected


@pytest.mark.parametrize(
    "extra",
    [{"active": False, "number": None}, {"deactivated": True}],
)
def test_deleted_or_deactivated_products_are_inactive(extra: dict) -> None:
    product = product_from_wire(_product(**extra), PriceRule("pg-web", "EUR"), NOW)
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
