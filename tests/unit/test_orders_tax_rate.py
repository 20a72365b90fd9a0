"""The tax rate WooCommerce applied (tax_lines[].rate_percent) reaches the canonical line.

Recomputing it from the rounded amounts gives 19.86 % for 1.40 on 7.05, which
is what a back office was sent before; WooCommerce says 20 and means it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.sync.orders import order_from_woo


def woo_order(**changes: Any) -> dict[str, Any]:
    """The order fields besides lines and amounts, as WooCommerce REST v3 renders them."""
    order: dict[str, Any] = {
        "id": 4712, "number": "4712", "status": "processing", "currency": "EUR",
        "prices_include_tax": False, "customer_id": 0, "payment_method": "bacs",
        "date_created_gmt": "2026-11-20T09:15:00", "date_modified_gmt": "2026-11-20T09:20:03",
        "billing": {"first_name": "Jana", "last_name": "Nováková", "email": "jana@example.com"},
    }  # fmt: skip
    order.update(changes)
    return order


def _taxed_order(**changes: Any) -> dict[str, Any]:
    lines = [
        {"id": 1, "name": "Mug", "product_id": 21, "variation_id": 0, "quantity": 1,
         "tax_class": "", "subtotal": "7.05", "total": "7.05", "total_tax": "1.40",
         "sku": "10002", "price": 7.05, "taxes": [{"id": 1, "total": "1.4", "subtotal": "1.4"}]},
        {"id": 2, "name": "Tea", "product_id": 22, "variation_id": 0, "quantity": 1,
         "tax_class": "reduced-rate", "subtotal": "2.47", "total": "2.47", "total_tax": "0.25",
         "sku": "10007", "price": 2.47, "taxes": [{"id": 2, "total": "0.25", "subtotal": "0.25"}]},
        {"id": 3, "name": "Book", "product_id": 23, "variation_id": 0, "quantity": 1,
         "tax_class": "zero-rate", "subtotal": "5.00", "total": "5.00", "total_tax": "0.00",
         "sku": "10009", "price": 5, "taxes": []},
    ]  # fmt: skip
    tax_lines = [
        {"id": 9, "rate_code": "SK-VAT-1", "rate_id": 1, "label": "VAT", "compound": False,
         "tax_total": "1.40", "shipping_tax_total": "0.00", "rate_percent": 20},
        {"id": 10, "rate_code": "SK-REDUCED-1", "rate_id": 2, "label": "Reduced", "compound": False,
         "tax_total": "0.25", "shipping_tax_total": "0.00", "rate_percent": Decimal("10")},
    ]  # fmt: skip
    values = dict(
        line_items=lines, tax_lines=tax_lines, fee_lines=[], discount_total="0.00",
        shipping_total="0.00", shipping_tax="0.00", total="16.17", total_tax="1.65",
    )  # fmt: skip
    values.update(changes)
    return woo_order(**values)


def test_each_line_carries_the_rate_woocommerce_applied_not_a_recomputed_one() -> None:
    mug, tea, book = order_from_woo(_taxed_order()).lines
    assert (mug.tax.amount / mug.total.amount * 100).quantize(Decimal("0.01")) == Decimal("19.86")
    assert (mug.tax_rate, tea.tax_rate, book.tax_rate) == (Decimal(20), Decimal(10), Decimal(0))


def test_a_taxed_line_without_a_known_rate_says_so() -> None:
    """An older shop without rate_percent: None, so the back office falls back to its own."""
    tax_lines = [{"id": 9, "rate_id": 1, "tax_total": "1.40"}]
    mug, tea, _ = order_from_woo(_taxed_order(tax_lines=tax_lines)).lines
    assert (mug.tax_rate, tea.tax_rate) == (None, None)


def test_a_fee_carries_its_rate_too() -> None:
    fee = {"id": 4, "name": "Gift wrap", "tax_class": "", "tax_status": "taxable",
           "total": "1.00", "total_tax": "0.20", "taxes": [{"id": 1, "total": "0.2"}]}  # fmt: skip
    order = order_from_woo(_taxed_order(fee_lines=[fee], total="17.37", total_tax="1.85"))
    assert order.fees[0].tax_rate == Decimal(20)
