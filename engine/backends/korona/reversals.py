"""KORONA receipts read back, and their reversal (KORONA's void).

KORONA has no void endpoint: a void is a second receipt with
``reversal: true`` pointing at the original, every amount negated,
numbered with the void key.  A receipt read back (or a POST's per-item
result) becomes a :class:`SaleRef`; a reversal maps to VOIDED.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from engine.backends.base import IdempotencyKey, SaleRef, SaleState
from engine.backends.korona.wire import ref_id
from engine.errors import ValidationError

__all__ = ["KEY_REFERENCE", "reversal_of", "sale_ref_from_receipt", "sale_ref_from_results"]

Json = dict[str, Any]
KEY_REFERENCE = "tillsync-key"


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
