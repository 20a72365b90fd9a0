"""Business buyer ids, coupons and the exchange rate read from a WooCommerce order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.model import Money
from engine.sync.orders import OrderDataError, order_from_woo
from engine.sync.orders.order_extras import OrderMetaKeys
from tests.unit.test_orders_mapping import woo_order


def _meta(**pairs: object) -> list[dict]:
    return [{"id": n, "key": k, "value": v} for n, (k, v) in enumerate(pairs.items(), 1)]


def test_a_business_buyer_keeps_company_and_the_ids_plugins_stored() -> None:
    billing = {**woo_order()["billing"], "company": "Kaviareň s.r.o."}
    data = woo_order(
        billing=billing,
        meta_data=_meta(
            _billing_ico="12345678", vat_number="sk 2020123456", _billing_dic="2020123456"
        ),
    )
    customer = order_from_woo(data).customer
    assert customer.company == "Kaviareň s.r.o."
    assert (customer.registration_number, customer.vat_id, customer.tax_id) == (
        "12345678", "SK2020123456", "2020123456",
    )  # fmt: skip


def test_meta_keys_are_a_setting_and_the_first_present_key_wins() -> None:
    data = woo_order(meta_data=_meta(_billing_vat_id="", my_vat="CZ699001", vat_number="DE1"))
    assert order_from_woo(data).customer.vat_id == "DE1"  # the empty one is skipped
    keys = OrderMetaKeys(vat_id=("my_vat",))
    assert order_from_woo(data, meta_keys=keys).customer.vat_id == "CZ699001"
    assert order_from_woo(woo_order()).customer.vat_id == ""  # a consumer: none


def test_coupon_lines_become_coupons_in_the_order_currency() -> None:
    lines = [{"id": 9, "code": "WELCOME10", "discount": "2.00", "discount_tax": "0.40"}]
    order = order_from_woo(woo_order(coupon_lines=lines))
    (coupon,) = order.coupons
    assert coupon.code == "WELCOME10"
    assert (coupon.discount, coupon.discount_tax) == (Money(Decimal("2.00"), "EUR"),
                                                      Money(Decimal("0.40"), "EUR"))  # fmt: skip
    assert order_from_woo(woo_order()).coupons == ()
    with pytest.raises(OrderDataError, match=r"coupon_lines\[0\].discount"):
        order_from_woo(woo_order(coupon_lines=[{"code": "X", "discount": "lots"}]))


def test_fees_stay_apart_from_product_lines() -> None:
    order = order_from_woo(woo_order())
    assert [fee.name for fee in order.fees] == ["Gift wrap"]
    assert all(line.sku for line in order.lines)


def test_exchange_rate_names_its_source_when_the_books_use_another_currency() -> None:
    data = woo_order(currency="CZK", meta_data=_meta(_base_currency_exchange_rate="0.0398"))
    rate = order_from_woo(data, meta_keys=OrderMetaKeys(base_currency="eur")).exchange_rate
    assert rate is not None
    assert (rate.rate, rate.base_currency, rate.source) == (
        Decimal("0.0398"), "EUR", "order meta _base_currency_exchange_rate",
    )  # fmt: skip
    assert order_from_woo(data).exchange_rate is None  # books' currency not set
    same = OrderMetaKeys(base_currency="CZK")
    assert order_from_woo(data, meta_keys=same).exchange_rate is None
    bad = woo_order(currency="CZK", meta_data=_meta(_base_currency_exchange_rate="n/a"))
    assert order_from_woo(bad, meta_keys=OrderMetaKeys(base_currency="EUR")).exchange_rate is None
