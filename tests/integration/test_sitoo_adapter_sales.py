"""The Sitoo order body against the strict sandbox: coupons as discount rows right
after their product rows, shipping as a row, totals equal WooCommerce's to the cent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.backends.base import IdempotencyKey
from engine.errors import ValidationError
from engine.model import CouponLine, Customer, Money, Order, OrderLine, Payment

from .sitoo_harness import sitoo_backend, sitoo_server

pytestmark = pytest.mark.timeout(60)


def _m(value: str) -> Money:
    return Money(Decimal(value), "SEK")


def _line(sku: str, qty: str, total: str, tax: str) -> OrderLine:
    quantity = Decimal(qty)
    return OrderLine(sku, f"Article {sku}", quantity, _m(total) * (1 / quantity), _m(total),
                     _m(tax), tax_rate=Decimal(25))  # fmt: skip


def _order(lines, *, coupons=(), shipping="0.00", shipping_tax="0.00") -> Order:
    gross = sum((ln.total.amount + ln.tax.amount for ln in lines), Decimal(0))
    total = gross + Decimal(shipping) + Decimal(shipping_tax)
    return Order(
        woo_id=501, number="501", status="completed", currency="SEK",
        customer=Customer("eva@example.com", "Eva", "Lind", city="Malmö", country="SE"),
        lines=tuple(lines), payment=Payment("bacs", "Bank", _m(str(total)),
                                            backoffice_method_id="Bank transfer"),
        shipping=_m(shipping), shipping_tax=_m(shipping_tax), discount=_m("0"),
        total=_m(str(total)), total_tax=_m("0"), prices_include_tax=True,
        modified_gmt=datetime(2026, 12, 1, tzinfo=UTC), coupons=tuple(coupons),
    )  # fmt: skip


@pytest.fixture
def servers():
    with sitoo_server(products=10) as running:
        yield running


async def test_coupon_discount_rows_follow_their_product_rows_and_shipping_is_a_row(
    servers,
) -> None:
    sb, server = servers
    lines = [_line("SIT-1001", "2", "80.00", "20.00"), _line("SIT-1002", "1", "40.00", "10.00")]
    order = _order(
        lines,
        coupons=[CouponLine("summer", _m("12.00"), _m("3.00"))],
        shipping="40.00", shipping_tax="10.00",
    )  # fmt: skip
    async with sitoo_backend(sb, server) as backend:
        sale = await backend.create_sale(order, IdempotencyKey("abc", 501))
    booked = sb.orders[int(sale.id)]
    kinds = [i["orderitemtype"] for i in booked["orderitems"]]
    assert kinds == [10, 20, 10, 20, 30]
    discounts = [i for i in booked["orderitems"] if i["orderitemtype"] == 20]
    assert {d["vouchercode"] for d in discounts} == {"summer"}
    assert sum(Decimal(d["moneyrowdiscount"]) for d in discounts) == Decimal("15.00")
    assert Decimal(booked["moneytotal_gross_all"]) == order.total.amount
    assert booked["orderitems"][-1]["moneyrowprice"] == "50.00"


async def test_a_fractional_quantity_is_refused_before_sending(servers) -> None:
    sb, server = servers
    order = _order([_line("SIT-1001", "1.5", "30.00", "7.50")])
    async with sitoo_backend(sb, server) as backend:
        with pytest.raises(ValidationError, match="whole quantities"):
            await backend.create_sale(order, IdempotencyKey("abc", 502))
    assert sb.orders == {}
