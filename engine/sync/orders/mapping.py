"""A WooCommerce REST v3 order (JSON) as the canonical :class:`~engine.model.Order`.

Money stays ``Decimal`` from the wire: WooCommerce renders amounts as
strings ("12.30") but a line's ``price`` and ``tax_lines[].rate_percent`` as
JSON numbers (18.1727275), which are decoded as Decimal from the raw text;
a number is accepted only through ``str()`` so a float never rounds a cent.
Each line carries the tax rate WooCommerce applied (``rate_percent`` of the
line's rate ids), never one recomputed from rounded amounts.  Anything we cannot read is an
:class:`OrderDataError` naming the field, so the order is held with a reason
the admin can act on instead of being booked wrongly or dropped.

The fingerprint says whether a later revision of a booked order changed
anything the back office holds (lines, amounts, payment).  Our own write-back
(receipt number as meta data plus a note) changes none of these, so its
webhook is recognised as harmless.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from engine.errors import FailureKind, TillsyncError
from engine.model import Customer, Money, Order, OrderLine, Payment, minor_places
from engine.sync.orders import order_extras
from engine.sync.orders.order_extras import DEFAULT_META_KEYS, OrderMetaKeys

__all__ = ["OrderDataError", "booking_fingerprint", "order_from_woo", "parse_amount", "parse_gmt"]

_UNIT_PLACES = Decimal("0.0001")
#: Beyond any real shop: a bigger amount or quantity is bad data (held), not arithmetic
#: that overflows Decimal's context into an "internal InvalidOperation" alert.
_MAX_AMOUNT = Decimal("1e12")
_MAX_QUANTITY = Decimal("1e6")


class OrderDataError(TillsyncError):
    """The order JSON lacks a field or holds one we cannot read."""

    kind = FailureKind.VALIDATION

    def __init__(self, message: str) -> None:
        super().__init__(message, hint="Fix the order in WooCommerce; the edit brings it back.")


def parse_amount(value: Any, field: str) -> Decimal:
    """A WooCommerce amount as Decimal; ``None``/``""`` is zero (Woo omits empty totals)."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise OrderDataError(f"{field} is not an amount: {type(value).__name__}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise OrderDataError(f"{field} is not an amount: {str(value)[:40]!r}") from None
    if not amount.is_finite():
        raise OrderDataError(f"{field} is not a finite amount")
    if abs(amount) >= _MAX_AMOUNT:
        raise OrderDataError(f"{field} is out of range: {str(value)[:40]!r}")
    return amount


def parse_gmt(value: Any, field: str) -> datetime:
    """WooCommerce's ``*_gmt`` dates are naive ISO-8601 in UTC."""
    if not isinstance(value, str) or not value:
        raise OrderDataError(f"{field} is missing")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise OrderDataError(f"{field} is not a date: {value[:40]!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _quantity(value: Any, field: str) -> Decimal:
    quantity = parse_amount(value, field)
    if quantity <= 0:
        raise OrderDataError(f"{field} must be positive, got {quantity}")
    if quantity >= _MAX_QUANTITY:
        raise OrderDataError(f"{field} is out of range: {quantity}")
    return quantity


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _rates(data: Mapping[str, Any]) -> dict[int, Decimal]:
    """``rate_id`` -> ``rate_percent`` from the order's ``tax_lines``.

    The rate WooCommerce applied is the one the back office must book: a rate
    recomputed from rounded amounts comes out as 19.86 or 20.12 instead of 20.
    """
    rates: dict[int, Decimal] = {}
    for n, tax in enumerate(_items(data, "tax_lines")):
        rate_id, percent = tax.get("rate_id"), tax.get("rate_percent")
        if isinstance(rate_id, int) and percent is not None:
            rates[rate_id] = parse_amount(percent, f"tax_lines[{n}].rate_percent")
    return rates


def _applied_rate(
    item: Mapping[str, Any], tax: Decimal, rates: dict[int, Decimal]
) -> Decimal | None:
    """The percent WooCommerce applied to one line; None when the order doesn't say."""
    taxes = item.get("taxes") or []
    ids = [t.get("id") for t in taxes if isinstance(t, Mapping)] if isinstance(taxes, list) else []
    if not ids:
        return Decimal(0) if tax == 0 else None
    if not all(rate_id in rates for rate_id in ids):
        return None
    return sum((rates[rate_id] for rate_id in ids), Decimal(0))


def _line(item: Mapping[str, Any], n: int, currency: str, rates: dict[int, Decimal]) -> OrderLine:
    where = f"line_items[{n}]"
    quantity = _quantity(item.get("quantity"), f"{where}.quantity")
    total = parse_amount(item.get("total"), f"{where}.total")
    tax = parse_amount(item.get("total_tax"), f"{where}.total_tax")
    variation = item.get("variation_id") or 0
    product = item.get("product_id") or 0
    return OrderLine(
        sku=_text(item, "sku"),
        name=_text(item, "name") or f"line {n + 1}",
        quantity=quantity,
        unit_price=Money((total / quantity).quantize(_UNIT_PLACES, ROUND_HALF_UP), currency),
        total=Money(total, currency),
        tax=Money(tax, currency),
        tax_class=_tax_class(item),
        woo_product_id=int(variation or product) or None,
        tax_rate=_applied_rate(item, tax, rates),
    )


def _tax_class(item: Mapping[str, Any]) -> str:
    """WooCommerce writes the standard class as ``""``; ``"standard"`` means the same."""
    value = _text(item, "tax_class")
    return "" if value == "standard" else value


def _fee(item: Mapping[str, Any], n: int, currency: str, rates: dict[int, Decimal]) -> OrderLine:
    where = f"fee_lines[{n}]"
    total = parse_amount(item.get("total"), f"{where}.total")
    tax = parse_amount(item.get("total_tax"), f"{where}.total_tax")
    taxable = item.get("tax_status", "taxable") == "taxable"
    return OrderLine(
        sku="",
        name=_text(item, "name") or "Fee",
        quantity=Decimal(1),
        unit_price=Money(total, currency),
        total=Money(total, currency),
        tax=Money(tax, currency),
        tax_class=_tax_class(item) if taxable else "",
        tax_rate=_applied_rate(item, tax, rates),
    )


def _customer(data: Mapping[str, Any]) -> Customer:
    billing = data.get("billing") or {}
    if not isinstance(billing, Mapping):
        raise OrderDataError("billing is not an object")
    fields = ("first_name", "last_name", "company", "phone", "address_1", "address_2")
    fields += ("city", "postcode", "state", "country")
    customer_id = data.get("customer_id") or 0
    return Customer(
        email=_text(billing, "email"),
        woo_id=int(customer_id) or None,
        **{name: _text(billing, name) for name in fields},
    )


def _items(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise OrderDataError(f"{key} is not a list of objects")
    return items


def _order_id(data: Mapping[str, Any]) -> int:
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise OrderDataError("order has no positive integer id")
    return value


def _currency(data: Mapping[str, Any]) -> str:
    currency = _text(data, "currency").upper()
    if len(currency) != 3:
        raise OrderDataError(f"currency is missing or not an ISO code: {currency[:10]!r}")
    return currency


def _amounts(data: Mapping[str, Any], currency: str) -> dict[str, Money]:
    """The order-level amounts, keyed by :class:`Order` field name."""
    fields = {
        "shipping": "shipping_total",
        "shipping_tax": "shipping_tax",
        "discount": "discount_total",
        "total": "total",
        "total_tax": "total_tax",
    }
    return {name: _exact_money(data.get(key), key, currency) for name, key in fields.items()}


def _exact_money(value: Any, field: str, currency: str) -> Money:
    """An order-level amount finer than the currency's smallest unit (8.405 EUR) is held:
    what the customer paid can't be known, and rounding it silently books a guess."""
    amount = parse_amount(value, field)
    places = minor_places(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise OrderDataError(
            f"{field} {amount} {currency} has more than {places} decimal places; "
            "held instead of rounded"
        )
    return Money(amount, currency)


def _shipping_methods(data: Mapping[str, Any]) -> tuple[str, ...]:
    """``shipping_lines[].method_id``, in order (e.g. a Click & Collect method)."""
    return tuple(
        str(line.get("method_id"))
        for line in _items(data, "shipping_lines")
        if line.get("method_id")
    )


def _payment(data: Mapping[str, Any], total: Money) -> Payment:
    return Payment(
        method_id=_text(data, "payment_method"),
        title=_text(data, "payment_method_title"),
        amount=total,
        transaction_id=_text(data, "transaction_id"),
    )


# the date WooCommerce stamps when an order reaches a status; any other booking
# status (processing, a custom "paid" one) books from the payment
_STATUS_DATES = {"completed": "date_completed_gmt"}


def _trigger_moment(data: Mapping[str, Any], trigger_status: str) -> datetime | None:
    """When the order reached ``trigger_status``: date_completed, else date_paid."""
    field = _STATUS_DATES.get(trigger_status, "date_paid_gmt")
    value = data.get(field)
    return parse_gmt(value, field) if value else None


def order_from_woo(
    data: Mapping[str, Any],
    trigger_status: str = "completed",
    meta_keys: OrderMetaKeys = DEFAULT_META_KEYS,
) -> Order:
    """Translate one order; raises :class:`OrderDataError` for anything unreadable.

    ``trigger_status`` is the status that books it: its date becomes the
    order's ``trigger_gmt``, the back office's booking time.  ``meta_keys``
    say where plugins keep the buyer's VAT id and the exchange rate.
    """
    currency = _currency(data)
    rates = _rates(data)
    lines = tuple(_line(i, n, currency, rates) for n, i in enumerate(_items(data, "line_items")))
    if not lines:
        raise OrderDataError("the order has no product lines")
    amounts = _amounts(data, currency)
    created = data.get("date_created_gmt")
    return Order(
        woo_id=_order_id(data),
        number=_text(data, "number") or str(data["id"]),
        status=_text(data, "status"),
        currency=currency,
        customer=order_extras.business_buyer(_customer(data), data, meta_keys),
        lines=lines,
        payment=_payment(data, amounts["total"]),
        prices_include_tax=bool(data.get("prices_include_tax")),
        modified_gmt=parse_gmt(data.get("date_modified_gmt"), "date_modified_gmt"),
        created_gmt=parse_gmt(created, "date_created_gmt") if created else None,
        note=_text(data, "customer_note"),
        fees=tuple(_fee(i, n, currency, rates) for n, i in enumerate(_items(data, "fee_lines"))),
        trigger_gmt=_trigger_moment(data, trigger_status),
        coupons=order_extras.coupons(_items(data, "coupon_lines"), currency, parse_amount),
        exchange_rate=order_extras.exchange_rate(data, currency, meta_keys),
        shipping_methods=_shipping_methods(data),
        **amounts,
    )


def _amount_text(money: Money) -> str:
    """Normalised so "10.0" and "10.00" hash the same."""
    return format(money.amount.normalize(), "f")


def booking_fingerprint(order: Order) -> str:
    """Hash of what the back office holds of ``order``: lines, amounts, payment.

    Status, customer details, notes and meta data are left out on purpose:
    status changes are decided by the order rules, and the rest never changes
    a booked receipt.
    """
    lines = [
        (
            ln.sku,
            ln.woo_product_id,
            str(ln.quantity.normalize()),
            _amount_text(ln.total),
            _amount_text(ln.tax),
            ln.tax_class,
        )
        for ln in (*order.lines, *order.fees)
    ]
    amounts = (order.shipping, order.shipping_tax, order.discount, order.total, order.total_tax)
    relevant = {
        "currency": order.currency,
        "lines": lines,
        "amounts": [_amount_text(m) for m in amounts],
        "payment": order.payment.method_id,
    }
    text = json.dumps(relevant, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
