"""WooCommerce order -> KORONA receipt for an External POS, and its reversal.

KORONA has no idempotency header and no void endpoint, so the receipt's
identity is put where we can look it up again: ``number`` is the
idempotency key (posted with ``disableReceiptNumberPrefix`` so it is stored
verbatim), ``orderNumber`` is the Woo order number, and
``externalReferences`` carry the key and the Woo ids.  A void is a second
receipt with ``reversal: true`` pointing at the original, every amount
negated, numbered with the void key (see :mod:`.reversals`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.backends.base import IdempotencyKey
from engine.backends.korona.reversals import (
    KEY_REFERENCE,
    reversal_of,
    sale_ref_from_receipt,
    sale_ref_from_results,
)
from engine.backends.korona.settings import KoronaSettings
from engine.backends.korona.wire import is_uuid, number, ref
from engine.errors import ConfigError
from engine.model import Order, OrderLine, minor_places

__all__ = [
    "KEY_REFERENCE",
    "ItemTax",
    "ReceiptRefs",
    "booking_moment",
    "product_handles",
    "receipt_from_order",
    "reversal_of",
    "sale_ref_from_receipt",
    "sale_ref_from_results",
]

Json = dict[str, Any]


@dataclass(frozen=True)
class ItemTax:
    """What KORONA knows of a line's product: its uuid, sector, sales tax and rate."""

    product_id: str
    sector_id: str
    sales_tax_id: str
    rate: Decimal


@dataclass(frozen=True)
class ReceiptRefs:
    """The uuids a receipt names, looked up before it is built (see :mod:`.sales`).

    ``items`` is keyed by the product handle of each line (see
    :func:`product_handles`); None for a product KORONA doesn't know, which
    is sent by its handle for KORONA to refuse.  ``customer_id`` is the
    KORONA customer the customers job created for the order's WooCommerce
    customer, if any.
    """

    items: Mapping[str, ItemTax | None]
    warehouse_id: str | None = None
    customer_id: str | None = None


def _handle(value: str) -> dict[str, str]:
    """Config may name a KORONA object by uuid or by its back-office number."""
    return ref(value, by_number=not is_uuid(value))


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def booking_moment(order: Order) -> datetime:
    """When the sale happened: the order reached its trigger status (paid/completed)."""
    return order.trigger_gmt or order.created_gmt or order.modified_gmt


def _minor(amount: Decimal, places: int) -> Decimal:
    """Rounded to the currency's smallest unit, as the till books each line."""
    return amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _tax_payment(tax: Decimal, included: bool, places: int, item: ItemTax | None) -> Json:
    """The amount the shop charged, under KORONA's sales tax and its rate."""
    payment: Json = {"amount": number(tax, places), "included": included}
    if item is not None:
        payment["taxRate"] = item.rate
        payment["salesTax"] = ref(item.sales_tax_id)
    return payment


def _total(net: Decimal, tax: Decimal, included: bool, places: int, item: ItemTax | None) -> Json:
    """A ``TotalPrice``: base is gross when the sales tax is included, else net."""
    gross = net + tax
    return {
        "base": number(gross if included else net, places),
        "gross": number(gross, places),
        "net": number(net, places),
        "taxPayments": [_tax_payment(tax, included, places, item)],
    }


def _product_handle(line: OrderLine, fallback: str | None) -> str:
    if line.backoffice_product_id:
        return line.backoffice_product_id
    if line.sku:
        return line.sku
    if fallback:
        return fallback
    raise ConfigError(
        f"order line {line.name!r} has no SKU: KORONA needs a product for every receipt item",
        hint="Give the WooCommerce product the KORONA article number as SKU, then retry.",
    )


def _fee_handle(fee: OrderLine, settings: KoronaSettings) -> str:
    """A fee line has no WooCommerce product to give a SKU: it books on ``fee_product``."""
    if not (fee.backoffice_product_id or fee.sku or settings.fee_product):
        raise ConfigError(
            f"order fee {fee.name!r} has no KORONA product to book on",
            hint="Set fee_product (the KORONA product number fees are booked on) in the "
            "connection's backend settings, then retry.",
        )
    return _product_handle(fee, settings.fee_product)


def _shipping_product(order: Order, settings: KoronaSettings) -> str | None:
    """The shipping product's handle, or None when the order has no shipping."""
    if order.shipping.amount == 0 and order.shipping_tax.amount == 0:
        return None
    if not settings.shipping_product:
        raise ConfigError(
            f"order {order.number} has shipping but no KORONA shipping product is configured",
            hint="Set the KORONA product number used for shipping in the connection settings.",
        )
    return settings.shipping_product


def product_handles(order: Order, settings: KoronaSettings) -> tuple[str, ...]:
    """Every product the receipt books (uuid or number), in line order, once each.

    Raises ConfigError for a line KORONA can't book (no SKU, no fee or
    shipping product configured) before anything is looked up.
    """
    handles = [_product_handle(line, None) for line in order.lines]
    handles += [_fee_handle(fee, settings) for fee in order.fees]
    shipping = _shipping_product(order, settings)
    if shipping:
        handles.append(shipping)
    return tuple(dict.fromkeys(handles))


def _item(line: OrderLine, included: bool, handle: str, item: ItemTax | None) -> Json:
    places = minor_places(line.total.currency)
    net, tax = _minor(line.total.amount, places), _minor(line.tax.amount, places)
    body: Json = {"product": ref(item.product_id) if item else _handle(handle)}
    if item is not None:
        body["sector"] = ref(item.sector_id)
    body["quantity"] = number(line.quantity, 3)
    body["description"] = line.name
    body["total"] = _total(net, tax, included, places, item)
    return body


def _shipping_line(order: Order) -> OrderLine:
    return OrderLine(
        sku="", name="Shipping", quantity=Decimal(1), unit_price=order.shipping,
        total=order.shipping, tax=order.shipping_tax,
    )  # fmt: skip


def _items(order: Order, settings: KoronaSettings, refs: ReceiptRefs) -> list[Json]:
    booked = [(line, _product_handle(line, None)) for line in order.lines]
    booked += [(fee, _fee_handle(fee, settings)) for fee in order.fees]
    shipping = _shipping_product(order, settings)
    if shipping:
        booked.append((_shipping_line(order), shipping))
    included = settings.taxes_included
    return [_item(line, included, handle, refs.items[handle]) for line, handle in booked]


def _payment(order: Order, settings: KoronaSettings) -> Json:
    method = (
        order.payment.backoffice_method_id
        or settings.payment_methods.get(order.payment.method_id)
        or settings.default_payment_method
    )
    if not method:
        raise ConfigError(
            f"no KORONA payment method mapped for WooCommerce gateway "
            f"{order.payment.method_id!r} (order {order.number})",
            hint="Map the gateway to a KORONA payment method in the connection settings.",
        )
    amount = number(order.total.amount, minor_places(order.currency))
    payment: Json = {"amount": amount, "paymentMethod": _handle(method)}
    if order.payment.transaction_id:
        payment["transactionToken"] = order.payment.transaction_id
    return payment


def _references(order: Order, key: IdempotencyKey) -> dict[str, str]:
    refs = {
        KEY_REFERENCE: key.value,
        "woocommerce-order-id": str(order.woo_id),
        "woocommerce-order-number": order.number,
    }
    customer = order.customer
    for name, value in (("customer-email", customer.email), ("customer-name", customer.full_name)):
        if value:
            refs[name] = value
    if customer.company:
        refs["customer-company"] = customer.company
    return refs


def _check_currency(order: Order, settings: KoronaSettings) -> None:
    if order.currency.upper() != settings.currency.upper():
        raise ConfigError(
            f"order {order.number} is in {order.currency}, the KORONA connection books "
            f"{settings.currency}"
        )


def receipt_from_order(
    order: Order, key: IdempotencyKey, settings: KoronaSettings, refs: ReceiptRefs
) -> Json:
    """The receipt to POST for ``order`` (``pointOfSale`` is added by the caller).

    Raises ConfigError for a missing mapping.  ``bookingTime`` is when the
    order reached its trigger status, ``creationTime`` when it was placed.
    """
    _check_currency(order, settings)
    booked = booking_moment(order)
    receipt: Json = {
        "number": key.value,
        "orderNumber": order.number,
        "externalReferences": _references(order, key),
        "bookingTime": _when(booked),
        "creationTime": _when(min(order.created_gmt or booked, booked)),
        "items": _items(order, settings, refs),
        "payments": [_payment(order, settings)],
    }
    if refs.warehouse_id:
        receipt["warehouse"] = ref(refs.warehouse_id)
    if refs.customer_id:
        receipt["customer"] = ref(refs.customer_id)
    return receipt
