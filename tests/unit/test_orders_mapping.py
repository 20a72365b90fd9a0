"""WooCommerce order JSON → canonical Order: money to the cent, validation, fingerprints."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.sync.orders import OrderDataError, booking_fingerprint, check_totals, order_from_woo
from engine.sync.orders.booking import to_cents
from engine.sync.orders.mapping import parse_amount


def woo_order(**changes: Any) -> dict[str, Any]:
    """An order as WooCommerce REST v3 renders it (amounts are strings)."""
    order = {
        "id": 4711,
        "number": "4711",
        "status": "completed",
        "currency": "EUR",
        "prices_include_tax": True,
        "customer_id": 0,
        "date_created_gmt": "2026-11-20T09:15:00",
        "date_modified_gmt": "2026-11-20T09:20:03",
        "discount_total": "2.00",
        "shipping_total": "4.10",
        "shipping_tax": "0.82",
        "total": "50.93",
        "total_tax": "6.21",
        "payment_method": "bacs",
        "payment_method_title": "Direct bank transfer",
        "transaction_id": "",
        "customer_note": "ring twice",
        "billing": {"first_name": "Jana", "last_name": "Nováková", "email": "jana@example.com",
                    "company": "", "city": "Bratislava", "country": "SK"},
        "line_items": [
            {"id": 1, "name": "Coffee", "product_id": 21, "variation_id": 0, "quantity": 3,
             "tax_class": "reduced-rate", "subtotal": "27.27", "total": "25.45",
             "total_tax": "2.55", "sku": "10002", "price": 8.4833},
            {"id": 2, "name": "Pan", "product_id": 22, "variation_id": 31, "quantity": 1,
             "tax_class": "", "subtotal": "14.17", "total": "14.17", "total_tax": "2.84",
             "sku": "10007", "price": 14.17},
        ],
        "fee_lines": [{"id": 3, "name": "Gift wrap", "tax_class": "", "tax_status": "taxable",
                       "total": "1.00", "total_tax": "0.00"}],
        "meta_data": [],
    }  # fmt: skip
    order.update(changes)
    return order


def test_amounts_stay_decimal_to_the_cent() -> None:
    order = order_from_woo(woo_order())
    coffee, pan = order.lines
    assert coffee.total.amount == Decimal("25.45") and coffee.tax.amount == Decimal("2.55")
    assert coffee.quantity == Decimal(3) and coffee.unit_price.amount == Decimal("8.4833")
    assert pan.woo_product_id == 31  # the variation, not the parent
    assert order.total.amount == Decimal("50.93") and order.total.currency == "EUR"
    assert order.shipping.amount == Decimal("4.10") and order.shipping_tax.amount == Decimal("0.82")
    assert order.discount.amount == Decimal("2.00")
    assert order.payment.method_id == "bacs" and order.payment.amount == order.total
    assert order.customer.email == "jana@example.com" and order.customer.woo_id is None
    assert order.modified_gmt == datetime(2026, 11, 20, 9, 20, 3, tzinfo=UTC)
    assert order.fees[0].name == "Gift wrap" and order.note == "ring twice"


def test_standard_tax_class_is_the_empty_slug() -> None:
    data = woo_order()
    data["line_items"][0]["tax_class"] = "standard"
    assert order_from_woo(data).lines[0].tax_class == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": ""}, "currency"),
        ({"line_items": []}, "no product lines"),
        ({"total": "12,30"}, "total"),
        ({"total": "NaN"}, "total"),
        ({"total": ["1"]}, "total"),
        ({"date_modified_gmt": None}, "date_modified_gmt"),
        ({"date_modified_gmt": "yesterday"}, "date_modified_gmt"),
        ({"id": "4711"}, "id"),
        ({"billing": "jana"}, "billing"),
    ],
)
def test_unreadable_orders_name_the_field(change: dict, field: str) -> None:
    with pytest.raises(OrderDataError) as caught:
        order_from_woo(woo_order(**change))
    assert field in caught.value.message
    assert caught.value.hint


def test_a_line_with_zero_quantity_is_refused() -> None:
    data = woo_order()
    data["line_items"][1]["quantity"] = 0
    with pytest.raises(OrderDataError, match=r"line_items\[1\].quantity"):
        order_from_woo(data)


def test_json_numbers_pass_through_str_not_float() -> None:
    assert parse_amount(0.1, "x") == Decimal("0.1")
    assert parse_amount(Decimal("19.99"), "x") == Decimal("19.99")
    assert parse_amount(None, "x") == Decimal(0) and parse_amount("", "x") == Decimal(0)
    with pytest.raises(OrderDataError):
        parse_amount(True, "x")


def test_totals_that_add_up_pass() -> None:
    check = check_totals(order_from_woo(woo_order()))
    assert check.ok, check.describe()
    assert check.booked_total == Decimal("50.93") and check.difference == 0


def test_totals_off_by_a_cent_show_both_sums_and_the_difference() -> None:
    check = check_totals(order_from_woo(woo_order(total="50.94")))
    assert not check.ok
    text = check.describe()
    assert "50.93 EUR" in text and "50.94 EUR" in text and "-0.01 EUR" in text


def test_tax_mismatch_is_reported_too() -> None:
    check = check_totals(order_from_woo(woo_order(total_tax="6.20")))
    assert not check.ok and "total tax is 6.20 EUR" in check.describe()


def test_sub_cent_line_amounts_round_half_up_per_line() -> None:
    data = woo_order(total="50.94")
    data["line_items"][0]["total"] = "25.455"  # a store with three price decimals
    check = check_totals(order_from_woo(data))
    assert check.booked_total == Decimal("50.94") and check.ok


@given(st.decimals(min_value=-10_000, max_value=10_000, places=4, allow_nan=False))
def test_to_cents_is_half_up_and_idempotent(amount: Decimal) -> None:
    cents = to_cents(amount)
    assert abs(cents - amount) <= Decimal("0.005")
    assert to_cents(cents) == cents


def test_fingerprint_ignores_our_write_back_and_status_but_not_lines_or_amounts() -> None:
    base = woo_order()
    written_back = woo_order(
        date_modified_gmt="2026-11-20T09:21:00",
        meta_data=[{"id": 9, "key": "_tillsync_receipt", "value": "WC-1-4711-0"}],
        status="cancelled",
        customer_note="changed note",
    )
    fingerprint = booking_fingerprint(order_from_woo(base))
    assert booking_fingerprint(order_from_woo(written_back)) == fingerprint
    normalised = copy.deepcopy(base)
    normalised["total"] = "50.930"
    assert booking_fingerprint(order_from_woo(normalised)) == fingerprint
    more = copy.deepcopy(base)
    more["line_items"][0]["quantity"] = 4
    assert booking_fingerprint(order_from_woo(more)) != fingerprint
    other_gateway = woo_order(payment_method="cod")
    assert booking_fingerprint(order_from_woo(other_gateway)) != fingerprint
