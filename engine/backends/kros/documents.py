"""A WooCommerce order as a KROS document body (``{"data": {...}}``).

Field names are those working integrations send [contract §5.1, 3P ×3].
Inferred [I]: ``sendByEmail`` (asks KROS to e-mail the document to
``partner.email``; the real flag could not be read), the VAT rate of
shipping (the highest rate among the order's lines, as Slovak practice
charges shipping with the main supply), and a proforma / received order
taking the invoice's fields minus ``invoiceType``.  Amounts go as JSON
numbers of the order's currency, per line incl. VAT (``totalPriceInclVat``),
so KROS's totals equal what the buyer paid.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.backends.kros.business_ids import business_ids
from engine.backends.kros.rates import DayRate
from engine.backends.kros.settings import KrosSettings
from engine.errors import ConfigError
from engine.model import Customer, Order, OrderLine

__all__ = ["credit_note", "document_body", "issue_date"]


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def issue_date(order: Order) -> date:
    """The day the order reached the booking status (never 'now': a re-sent body
    must be identical, so KROS's 120 s duplicate check recognises it)."""
    moment = order.trigger_gmt or order.created_gmt or order.modified_gmt
    return moment.astimezone(UTC).date()


def _rate_of(line: OrderLine) -> Decimal:
    if line.tax_rate is not None:
        return line.tax_rate
    if line.tax.amount == 0:
        return Decimal(0)
    raise ConfigError(
        f"line {line.sku or line.name!r} has no tax rate in the order",
        hint="Enable WooCommerce taxes for the product so the order names its rate.",
    )


def _item(line: OrderLine, rate: Decimal, warehouse: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": line.name[:255],
        "amount": _number(line.quantity),
        "measureUnit": "ks",
        "vatRate": _number(rate),
        "totalPriceInclVat": _number(line.total.amount + line.tax.amount),
    }
    if line.sku:
        item["itemCode"] = line.sku
        if warehouse:
            item["warehouseCode"] = warehouse
    return item


def _items(order: Order, warehouse: str | None) -> list[dict[str, Any]]:
    items = [_item(line, _rate_of(line), warehouse) for line in order.lines]
    items += [_item(fee, _rate_of(fee), None) for fee in order.fees]
    if order.shipping.amount or order.shipping_tax.amount:
        rate = max((_rate_of(line) for line in order.lines), default=Decimal(0))
        shipping = order.shipping.amount + order.shipping_tax.amount
        total = _number(shipping)
        items.append({"name": "Doprava", "amount": 1, "measureUnit": "ks",
                      "vatRate": _number(rate), "totalPriceInclVat": total})  # fmt: skip
    return items


def _partner(customer: Customer) -> dict[str, Any]:
    ico, dic, vat = business_ids(customer)
    address = {
        "businessName": customer.company,
        "contactName": customer.full_name,
        "street": " ".join(p for p in (customer.address_1, customer.address_2) if p),
        "postCode": customer.postcode,
        "city": customer.city,
        "country": customer.country,
    }
    partner = {"email": customer.email, "phoneNumber": customer.phone, "address": address}
    ids = {"registrationId": ico, "taxId": dic, "vatId": vat}
    return partner | {k: v for k, v in ids.items() if v}


def _variable_symbol(order: Order) -> str | None:
    digits = re.sub(r"\D", "", order.number)
    return digits[-10:] if digits else None


def document_body(
    order: Order, key: str, settings: KrosSettings, rate: DayRate | None
) -> dict[str, Any]:
    issued = issue_date(order)
    data: dict[str, Any] = {
        "externalId": key,
        "numberingSequence": settings.numbering_sequence,
        "documentNumber": "",
        "issueDate": issued.isoformat(),
        "deliveryDate": issued.isoformat(),
        "dueDate": (issued + timedelta(days=settings.due_days)).isoformat(),
        "currency": order.currency,
        "exchangeRate": _number(rate.rate) if rate else 1,
        "orderNumber": order.number[:20],
        "paymentType": order.payment.backoffice_method_id or order.payment.title,
        "partner": _partner(order.customer),
        "items": _items(order, settings.warehouse),
        "internalNote": f"WooCommerce #{order.number}",
    }
    if settings.document == "invoice":
        data["invoiceType"] = 0
    if (symbol := _variable_symbol(order)) is not None:
        data["variableSymbol"] = symbol
    if rate is not None:
        data["internalNote"] += f"; {rate.describe(settings.base_currency)}"
    if settings.delivery == "email" and order.customer.email:
        data["sendByEmail"] = True
    return {"data": data}


def credit_note(original: dict[str, Any], key: str, settings: KrosSettings) -> dict[str, Any]:
    """A credit note (``invoiceType`` 1, negative amounts [OBS]) referencing the original."""
    keep = ("currency", "exchangeRate", "orderNumber", "partner", "paymentType", "variableSymbol")
    today = datetime.now(UTC).date().isoformat()
    items = [
        {**item, "amount": -abs(item.get("amount") or 1),
         "totalPriceInclVat": -abs(item.get("totalPriceInclVat") or 0)}
        for item in original.get("items") or ()
    ]  # fmt: skip
    data = {k: original[k] for k in keep if original.get(k) is not None}
    data |= {
        "externalId": key,
        "numberingSequence": settings.credit_note_sequence or settings.numbering_sequence,
        "documentNumber": "",
        "invoiceType": 1,
        "creditedInvoiceNumber": original.get("documentNumber"),
        "issueDate": today,
        "deliveryDate": today,
        "items": items,
        "internalNote": f"Dobropis k {original.get('documentNumber')}",
    }
    return {"data": data}
