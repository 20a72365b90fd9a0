"""What KROS refuses in a document POST: ``400 {"errors":[{propertyPath, errorMessage}]}``.

The error body is from the contract (§8, 3P KP-SPEC "ValidationResult").
Which fields are required is not published; the sandbox refuses what a
document cannot be without (items, a known numbering sequence, a rate for a
foreign currency, the invoice a credit note credits) and the lengths the
list filters declare (``OrderNumber`` ≤ 20, ``ExternalId`` ≤ 64,
``variableSymbol`` ≤ 10 digits) [I].  Business ids: IČO is 8 digits and IČ
DPH a country prefix and digits (Slovak and Czech law) [I for KROS].
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from sandbox.kros.company import DOCUMENT_KINDS

if TYPE_CHECKING:
    from sandbox.kros.company import KrosSandbox

__all__ = ["ValidationFailed", "document_errors"]

_ICO = re.compile(r"\d{8}")
_VAT_ID = re.compile(r"(SK\d{10}|CZ\d{8,10})")
_CURRENCY = re.compile(r"[A-Z]{3}")


class ValidationFailed(Exception):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("validation failed")
        self.errors = errors


def _error(path: str, message: str) -> dict[str, str]:
    return {"propertyPath": path, "errorMessage": message}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _item_errors(index: int, item: Any) -> list[dict[str, str]]:
    where = f"items[{index}]"
    if not isinstance(item, dict):
        return [_error(where, "must be an object")]
    errors = []
    if not str(item.get("name") or "").strip():
        errors.append(_error(f"{where}.name", "'Name' must not be empty."))
    if not _is_number(item.get("amount")) or item["amount"] == 0:
        errors.append(_error(f"{where}.amount", "'Amount' must be a non-zero number."))
    if not _is_number(item.get("vatRate")):
        errors.append(_error(f"{where}.vatRate", "'Vat Rate' must be a number."))
    if not any(_is_number(item.get(k)) for k in ("totalPriceInclVat", "unitPrice")):
        errors.append(_error(f"{where}.totalPriceInclVat", "a price is required."))
    return errors


def _date_errors(data: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    for key in ("issueDate", "deliveryDate", "dueDate"):
        if key in data and data[key] is not None:
            try:
                date.fromisoformat(str(data[key])[:10])
            except ValueError:
                errors.append(_error(key, f"'{data[key]}' is not a valid date."))
    return errors


def _length_errors(data: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    if len(str(data.get("orderNumber") or "")) > 20:
        errors.append(_error("orderNumber", "must be 20 characters or fewer."))
    if len(str(data.get("externalId") or "")) > 64:
        errors.append(_error("externalId", "must be 64 characters or fewer."))
    symbol = str(data.get("variableSymbol") or "")
    if symbol and not re.fullmatch(r"\d{1,10}", symbol):
        errors.append(_error("variableSymbol", "must be up to 10 digits."))
    return errors


def _partner_errors(partner: Any) -> list[dict[str, str]]:
    if not isinstance(partner, dict):
        return [_error("partner", "'Partner' must not be empty.")]
    errors = []
    ico = str(partner.get("registrationId") or "")
    if ico and not _ICO.fullmatch(ico):
        errors.append(_error("partner.registrationId", f"'{ico}' is not a valid IČO."))
    vat = str(partner.get("vatId") or "")
    if vat and not _VAT_ID.fullmatch(vat):
        errors.append(_error("partner.vatId", f"'{vat}' is not a valid IČ DPH."))
    return errors


def _money_errors(kb: KrosSandbox, data: dict[str, Any]) -> list[dict[str, str]]:
    currency = str(data.get("currency") or kb.currency)
    if not _CURRENCY.fullmatch(currency):
        return [_error("currency", f"'{currency}' is not a currency code.")]
    rate = data.get("exchangeRate")
    if currency != kb.currency and (not _is_number(rate) or rate <= 0):
        return [_error("exchangeRate", "a foreign currency needs a positive exchange rate.")]
    return []


def _kind_errors(kb: KrosSandbox, kind: str, data: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    seq = kb.sequence(str(data.get("numberingSequence") or ""))
    if seq is None or seq["documentType"] != DOCUMENT_KINDS[kind]:
        errors.append(_error("numberingSequence", "unknown numbering sequence for this document."))
    if kind == "invoices":
        kind_no = data.get("invoiceType", 0)
        if kind_no not in (0, 1):
            errors.append(_error("invoiceType", f"'{kind_no}' is not a valid invoice type."))
        credited = str(data.get("creditedInvoiceNumber") or "")
        if kind_no == 1 and kb.find_document("invoices", credited) is None:
            errors.append(_error("creditedInvoiceNumber", f"no invoice '{credited}'."))
    return errors


def document_errors(kb: KrosSandbox, kind: str, body: Any) -> list[dict[str, str]]:
    """Every problem of one ``{"data": {...}}`` body (empty: it is accepted)."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return [_error("data", "'Data' must not be empty.")]
    data = body["data"]
    items = data.get("items")
    if not isinstance(items, list) or not items:
        return [_error("items", "'Items' must not be empty.")]
    errors = [e for i, item in enumerate(items) for e in _item_errors(i, item)]
    errors += _date_errors(data) + _length_errors(data) + _partner_errors(data.get("partner"))
    return errors + _money_errors(kb, data) + _kind_errors(kb, kind, data)
