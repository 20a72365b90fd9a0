"""A WooCommerce order as a Sitoo order POST body.

[V] ``ordertypeid`` required; items need ``productname`` and an integer
``quantity``; ``moneyrowprice`` is the row total; a Discount item follows
the Product item it belongs to and carries ``moneyrowdiscount``; payments
need ``name`` and ``moneyamount``; money is a two-decimal string.
[I] the codes (one table here, the sandbox uses the same): item types 10
Product, 20 Discount, 30 Shipping; ``orderstateid`` 0 Open, 10 Closed, 20
Cancelled; ``paymentstateid`` 20 Successful; row prices include VAT.

WooCommerce reports lines after discounts; Sitoo wants the product row at
its price before the voucher and the discount on the row after it.  The
order's coupon discount (with its tax) is spread over the product rows in
proportion to their totals, the last row taking the rounding remainder, so
the booked total equals WooCommerce's to the cent; each discount row names
the coupon codes.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.backends.records import IdempotencyKey
from engine.backends.sitoo.settings import SitooSettings
from engine.errors import ValidationError
from engine.model import Order, OrderLine

__all__ = ["CANCELLED", "CLOSED", "ITEM", "OPEN", "is_click_and_collect", "order_to_wire"]

OPEN, CLOSED, CANCELLED = 0, 10, 20
PAYMENT_SUCCESSFUL = 20
ITEM = {"product": 10, "discount": 20, "shipping": 30}
_CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT, ROUND_HALF_UP))


def _rate(line: OrderLine) -> Decimal:
    if line.tax_rate is not None:
        return line.tax_rate
    if line.total.amount:
        return (line.tax.amount / line.total.amount * 100).quantize(_CENT, ROUND_HALF_UP)
    return Decimal(0)


def _quantity(line: OrderLine) -> int:
    if line.quantity != line.quantity.to_integral_value():
        raise ValidationError(
            f"{line.name}: Sitoo order items take whole quantities, got {line.quantity}"
        )
    return int(line.quantity)


def _shares(order: Order) -> list[Decimal]:
    """Each line's part of the coupons' gross discount (remainder on the last line)."""
    discount = sum((c.discount.amount + c.discount_tax.amount for c in order.coupons), Decimal(0))
    gross = [line.total.amount + line.tax.amount for line in order.lines]
    whole = sum(gross, Decimal(0))
    if not discount or not whole:
        return [Decimal(0)] * len(gross)
    shares = [(discount * g / whole).quantize(_CENT, ROUND_HALF_UP) for g in gross]
    shares[-1] += discount - sum(shares, Decimal(0))
    return shares


def _line_rows(line: OrderLine, share: Decimal, codes: str) -> list[dict[str, Any]]:
    gross = line.total.amount + line.tax.amount
    row: dict[str, Any] = {
        "orderitemtype": ITEM["product"],
        "productname": line.name,
        "quantity": _quantity(line),
        "moneyrowprice": _money(gross + share),
        "vatvalue": float(_rate(line)),
    }
    if line.sku:
        row["sku"] = line.sku
    if not share:
        return [row]
    discount = {
        "orderitemtype": ITEM["discount"],
        "productname": f"Voucher {codes}".strip(),
        "quantity": 1,
        "moneyrowprice": "0.00",
        "moneyrowdiscount": _money(share),
        "vouchercode": codes,
        "vatvalue": float(_rate(line)),
    }
    return [row, discount]


def _items(order: Order, settings: SitooSettings) -> list[dict[str, Any]]:
    codes = ",".join(c.code for c in order.coupons)
    rows = [
        row
        for line, share in zip(order.lines, _shares(order), strict=True)
        for row in _line_rows(line, share, codes)
    ]
    rows += [r for fee in order.fees for r in _line_rows(fee, Decimal(0), "")]
    shipping = order.shipping.amount + order.shipping_tax.amount
    if settings.shipping_row and shipping:
        rate = (
            order.shipping_tax.amount / order.shipping.amount * 100 if order.shipping.amount else 0
        )
        rows.append({
            "orderitemtype": ITEM["shipping"], "productname": "Shipping", "quantity": 1,
            "moneyrowprice": _money(shipping), "vatvalue": float(Decimal(rate).quantize(_CENT)),
        })  # fmt: skip
    return rows


def _customer(order: Order) -> dict[str, Any]:
    c = order.customer
    fields = {
        "email": c.email, "namefirst": c.first_name, "namelast": c.last_name,
        "company": c.company, "phone": c.phone, "invoice_address": c.address_1,
        "invoice_address2": c.address_2, "invoice_zip": c.postcode, "invoice_city": c.city,
        "invoice_state": c.state, "invoice_countryid": c.country,
        "delivery_address": c.address_1, "delivery_address2": c.address_2,
        "delivery_zip": c.postcode, "delivery_city": c.city, "delivery_state": c.state,
        "delivery_countryid": c.country,
    }  # fmt: skip
    return {k: v for k, v in fields.items() if v}


def is_click_and_collect(order: Order, settings: SitooSettings) -> bool:
    chosen = settings.cac_shipping_method
    return bool(chosen) and chosen in order.shipping_methods


def _closed(order: Order, settings: SitooSettings) -> bool:
    if is_click_and_collect(order, settings):
        return settings.cac_close_orders
    return settings.close_orders


def order_to_wire(
    order: Order, key: IdempotencyKey, settings: SitooSettings, warehouse: str | None
) -> dict[str, Any]:
    """The POST body; ``externalid`` is the store-derived key, looked up before any POST."""
    moment = order.trigger_gmt or order.created_gmt or order.modified_gmt
    body: dict[str, Any] = {
        "ordertypeid": settings.order_type_id,
        "externalid": key.value,
        "orderstateid": CLOSED if _closed(order, settings) else OPEN,
        "paymentstateid": PAYMENT_SUCCESSFUL,
        "currencycode": order.currency,
        "orderdate": int(moment.timestamp()),
        "checkoutref": order.number,
        "orderitems": _items(order, settings),
        "payments": [_payment(order)],
        **_customer(order),
    }
    if order.note:
        body["comment"] = order.note
    if warehouse:
        body["warehouseid"] = int(warehouse)
    return body


def _payment(order: Order) -> dict[str, Any]:
    payment = order.payment
    row: dict[str, Any] = {
        "name": payment.backoffice_method_id or payment.title or payment.method_id,
        "moneyamount": _money(order.total.amount),
    }
    if payment.transaction_id:
        row["refid"] = payment.transaction_id
    return row
