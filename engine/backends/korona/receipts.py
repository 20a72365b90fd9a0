"""WooCommerce order -> KORONA receipt for an External POS, and its reversal.

KORONA has no idempotency header and no void endpoint, so the receipt's
identity is put where we can look it up again: ``number`` is the
idempotency key (posted with ``disableReceiptNumberPrefix`` so it is stored
verbatim), ``orderNumber`` is the Woo order number, and
``externalReferences`` carry the key and the Woo ids.  A void is a second
receipt with ``reversal: true`` pointing at the original, every amount
negated, numbered with the void key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.backends.base import IdempotencyKey, SaleRef, SaleState
from engine.backends.korona.settings import KoronaSettings
from engine.backends.korona.wire import number, ref, ref_id
from engine.errors import ConfigError, ValidationError
from engine.model import Order, OrderLine, minor_places

__all__ = [
    "KEY_REFERENCE",
    "receipt_from_order",
    "reversal_of",
    "sale_ref_from_receipt",
    "sale_ref_from_results",
]

Json = dict[str, Any]
KEY_REFERENCE = "tillsync-key"
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _handle(value: str) -> dict[str, str]:
    """Config may name a KORONA object by uuid or by its back-office number."""
    return ref(value, by_number=not _UUID.fullmatch(value))


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _minor(amount: Decimal, places: int) -> Decimal:
    """Rounded to the currency's smallest unit, as the till books each line."""
    return amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _tax_rate(net: Decimal, tax: Decimal) -> Decimal:
    """Percent, recomputed from Woo's per-line amounts (Woo sends no rate per line)."""
    if net == 0:
        return Decimal(0)
    return number(tax / net * 100)


def _total(net: Decimal, tax: Decimal, included: bool, places: int) -> Json:
    """A ``TotalPrice``: base is gross when the sales tax is included, else net."""
    gross = net + tax
    return {
        "base": number(gross if included else net, places),
        "gross": number(gross, places),
        "net": number(net, places),
        "taxPayments": [
            {
                "amount": number(tax, places),
                "taxRate": number(_tax_rate(net, tax)),
                "included": included,
            }
        ],
    }


def _product_handle(line: OrderLine, fallback: str | None) -> dict[str, str]:
    if line.backoffice_product_id:
        return ref(line.backoffice_product_id)
    if line.sku:
        return ref(line.sku, by_number=True)
    if fallback:
        return _handle(fallback)
    raise ConfigError(
        f"order line {line.name!r} has no SKU: KORONA needs a product for every receipt item",
        hint="Give the WooCommerce product the KORONA article number as SKU, then retry.",
    )


def _item(line: OrderLine, included: bool, fallback: str | None = None) -> Json:
    places = minor_places(line.total.currency)
    net, tax = _minor(line.total.amount, places), _minor(line.tax.amount, places)
    return {
        "product": _product_handle(line, fallback),
        "quantity": number(line.quantity, 3),
        "description": line.name,
        "total": _total(net, tax, included, places),
    }


def _fee_item(fee: OrderLine, included: bool, settings: KoronaSettings) -> Json:
    """A fee line has no WooCommerce product to give a SKU: it books on ``fee_product``."""
    if not (fee.backoffice_product_id or fee.sku or settings.fee_product):
        raise ConfigError(
            f"order fee {fee.name!r} has no KORONA product to book on",
            hint="Set fee_product (the KORONA product number fees are booked on) in the "
            "connection's backend settings, then retry.",
        )
    return _item(fee, included, settings.fee_product)


def _shipping_item(order: Order, settings: KoronaSettings) -> Json | None:
    if order.shipping.amount == 0 and order.shipping_tax.amount == 0:
        return None
    if not settings.shipping_product:
        raise ConfigError(
            f"order {order.number} has shipping but no KORONA shipping product is configured",
            hint="Set the KORONA product number used for shipping in the connection settings.",
        )
    places = minor_places(order.currency)
    net, tax = _minor(order.shipping.amount, places), _minor(order.shipping_tax.amount, places)
    return {
        "product": _handle(settings.shipping_product),
        "quantity": 1,
        "description": "Shipping",
        "total": _total(net, tax, settings.taxes_included, places),
    }


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


def receipt_from_order(order: Order, key: IdempotencyKey, settings: KoronaSettings) -> Json:
    """The receipt to POST for ``order``; raises ConfigError for a missing mapping."""
    _check_currency(order, settings)
    included = settings.taxes_included
    items = [_item(line, included) for line in order.lines]
    items += [_fee_item(fee, included, settings) for fee in order.fees]
    shipping = _shipping_item(order, settings)
    if shipping:
        items.append(shipping)
    moment = _when(order.created_gmt or order.modified_gmt)
    receipt: Json = {
        "number": key.value,
        "orderNumber": order.number,
        "externalReferences": _references(order, key),
        "bookingTime": moment,
        "creationTime": moment,
        "items": items,
        "payments": [_payment(order, settings)],
    }
    if settings.point_of_sale_id:
        receipt["pointOfSale"] = ref(settings.point_of_sale_id)
    if settings.warehouse_id:
        receipt["warehouse"] = ref(settings.warehouse_id)
    return receipt


def _negate(value: object) -> object:
    return (
        -value
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        else value
    )


def _negated_total(total: Mapping[str, Any]) -> Json:
    out: Json = {k: _negate(total[k]) for k in ("base", "discount", "gross", "net") if k in total}
    out["taxPayments"] = [
        {**tp, "amount": _negate(tp.get("amount", 0))} for tp in total.get("taxPayments") or ()
    ]
    return out


def _reversed_item(item: Mapping[str, Any]) -> Json:
    keep = ("product", "sector", "commodityGroup", "description", "type", "recognitionNumber")
    out: Json = {k: item[k] for k in keep if item.get(k) is not None}
    out["quantity"] = _negate(item.get("quantity", 0))
    out["total"] = _negated_total(item.get("total") or {"base": 0, "taxPayments": []})
    return out


def _reversed_payment(payment: Mapping[str, Any]) -> Json:
    keep = ("paymentMethod", "currency", "transactionToken")
    out: Json = {k: payment[k] for k in keep if payment.get(k) is not None}
    out["amount"] = _negate(payment.get("amount", 0))
    return out


def reversal_of(original: Mapping[str, Any], key: IdempotencyKey) -> Json:
    """A storno receipt for ``original``: same lines and payments, negated."""
    void_key = key if key.void else key.for_void()
    refs = dict(original.get("externalReferences") or {})
    refs[KEY_REFERENCE] = void_key.value
    receipt: Json = {
        "number": void_key.value,
        "reversal": True,
        "reversedReceipt": {k: original[k] for k in ("id", "number") if original.get(k)},
        "externalReferences": refs,
        "items": [_reversed_item(i) for i in original.get("items") or ()],
        "payments": [_reversed_payment(p) for p in original.get("payments") or ()],
    }
    for name in ("orderNumber", "pointOfSale", "warehouse"):
        if original.get(name):
            receipt[name] = original[name]
    return receipt


def sale_ref_from_receipt(data: Mapping[str, Any], *, existing: bool = True) -> SaleRef:
    """A receipt read back from KORONA as a SaleRef (a reversal maps to VOIDED)."""
    refs = data.get("externalReferences") or {}
    reversal = bool(data.get("reversal"))
    return SaleRef(
        id=str(data.get("id") or ""),
        number=str(data.get("number") or ""),
        key=str(refs.get(KEY_REFERENCE) or data.get("number") or ""),
        state=SaleState.VOIDED if reversal else SaleState.BOOKED,
        existing=existing,
        reverses=ref_id(data.get("reversedReceipt")) if reversal else None,
    )


def sale_ref_from_results(
    results: Sequence[Mapping[str, Any]], key: IdempotencyKey, *, reverses: str | None = None
) -> SaleRef:
    """Read the per-item ``AddOrUpdateResult`` of a receipt POST (HTTP 200 may hide an ERROR)."""
    if not results:
        raise ValidationError(f"KORONA accepted receipt {key} but returned no result")
    result = results[0]
    if result.get("status") == "ERROR":
        message = str(result.get("message") or "no message")
        raise ValidationError(f"KORONA refused receipt {key}: {message}", data=dict(result))
    queued = result.get("action") == "QUEUED"
    booked = SaleState.VOIDED if reverses else SaleState.BOOKED
    return SaleRef(
        id=str(result.get("id") or ""),
        number=str(result.get("number") or key.value),
        key=key.value,
        state=SaleState.PENDING if queued else booked,
        existing=False,
        reverses=reverses,
    )
