"""Orders as KROS documents: exactly once, confirmed later, credited on cancel.

KROS has no idempotency key and answers a POST with 202 + ``requestId``;
the document exists only after asynchronous processing [contract §4, §7].
So every booking first looks the key up: ``GET /api/<documents>?OrderNumber=``
and a match on ``externalId`` (our key) [3P: the documented filter, the
field seen in list rows].  A new POST returns a *pending* sale whose ref is
the request id: the webhook names it, or the next look-up by key finds the
document.  An identical POST inside KROS's 120 s window answers 409 [3P]:
the first one is being processed, so it is pending under the key.

No delete or storno endpoint is known: a cancelled or refunded invoice gets
a credit note (``invoiceType`` 1, ``creditedInvoiceNumber``) [OBS]; nothing
is ever deleted.  Proformas and received orders are not credited [I].
"""

from __future__ import annotations

import asyncio
from typing import Any

from engine.backends.base import IdempotencyKey, SaleRef, SaleState
from engine.backends.kros.api import KrosApi
from engine.backends.kros.documents import credit_note, document_body
from engine.backends.kros.rates import RateBook
from engine.backends.kros.settings import KrosSettings
from engine.errors import ConfigError, ConflictError, ValidationError
from engine.model import Order

__all__ = ["KrosDocuments"]


class KrosDocuments:
    def __init__(
        self, api: KrosApi, settings: KrosSettings, rates: RateBook, void_wait: float = 10.0
    ) -> None:
        self._api, self._settings, self._rates = api, settings, rates
        self._order_numbers: dict[str, str] = {}  # key -> the OrderNumber it was sent with
        self._void_wait = void_wait

    @property
    def _path(self) -> str:
        return self._settings.resource

    async def find(self, key: IdempotencyKey, order_number: str | None = None) -> SaleRef | None:
        numbers = [order_number, self._order_numbers.get(key.value), str(key.order_id)]
        for number in dict.fromkeys(n for n in numbers if n):
            rows = await self._api.all_rows(self._path, {"OrderNumber": number[:20]})
            match = next((r for r in rows if r.get("externalId") == key.value), None)
            if match is not None:
                return _booked(match, key.value, existing=True)
        return None

    async def create(self, order: Order, key: IdempotencyKey) -> SaleRef:
        if not self._settings.numbering_sequence:
            hint = "Set numbering_sequence; `tillsync doctor` lists them."
            raise ConfigError("no KROS numbering sequence chosen for orders", hint=hint)
        found = await self.find(key, order.number)
        if found is not None:
            return found
        foreign = order.currency != self._settings.base_currency
        rate = await self._rates.rate(order.currency) if foreign else None
        body = document_body(order, key.value, self._settings, rate)
        self._order_numbers[key.value] = order.number[:20]
        note = rate.describe(self._settings.base_currency) if rate else ""
        return await self._post(body, key.value, note)

    async def _post(self, body: dict[str, Any], key: str, note: str = "") -> SaleRef:
        try:
            response = await self._api.post(self._path, body)
        except ConflictError:  # the same POST within 120 s: KROS is processing the first
            return SaleRef(key, key=key, state=SaleState.PENDING, note=note)
        request_id = str(response.json().get("requestId") or "")
        if not request_id:
            raise ValidationError("KROS accepted the document without a requestId")
        return SaleRef(request_id, key=key, state=SaleState.PENDING, note=note)

    async def void(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        """A credit note for the invoice; waits briefly for KROS to number it."""
        if self._settings.document != "invoice":
            raise ValidationError(
                f"KROS credits issued invoices only; cancel {self._settings.document} "
                f"{ref.number or ref.id} in KROS",
                hint="Cancel it in KROS by hand, then skip this void.",
            )
        original = await self._original(ref, key)
        number = str(original.get("orderNumber") or "") or None
        found = await self.find(key, number)
        if found is None:
            body = credit_note(original, key.value, self._settings)
            pending = await self._post(body, key.value)
            found = await self._wait_for(key, number) or pending
        reverses = str(original.get("id") or ref.id)
        state = SaleState.VOIDED
        return SaleRef(found.id, found.number, key.value, state, found.existing, reverses)

    async def _original(self, ref: SaleRef, key: IdempotencyKey) -> dict[str, Any]:
        if not ref.id.isdigit():
            sale = await self.find(key.for_sale())
            if sale is None:
                raise ValidationError(f"KROS has no document for {key.for_sale().value}")
            ref = sale
        body = await self._api.get(f"{self._path}/{ref.id}")
        data = body.get("data", body) if isinstance(body, dict) else None  # envelope [CONFLICT]
        if not isinstance(data, dict) or not data.get("items"):
            raise ValidationError(f"KROS document {ref.id} came back without its items")
        return data

    async def _wait_for(self, key: IdempotencyKey, number: str | None) -> SaleRef | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._void_wait
        while loop.time() < deadline:
            found = await self.find(key, number)
            if found is not None:
                return found
            await asyncio.sleep(min(0.5, self._void_wait / 10))
        return None


def document_note(row: dict[str, Any]) -> str:
    """What the console shows with the order: a foreign currency's rate, the PDF link."""
    parts = []
    prices = row.get("prices") if isinstance(row.get("prices"), dict) else {}
    currency = row.get("currency") or prices.get("currency")
    rate = row.get("exchangeRate") or prices.get("exchangeRate")
    if currency and rate not in (None, 1, 1.0):
        parts.append(f"{currency} at rate {rate}")
    if row.get("pdfReportLink"):
        parts.append(f"PDF {row['pdfReportLink']}")
    return "; ".join(parts)


def _booked(row: dict[str, Any], key: str, existing: bool) -> SaleRef:
    number = str(row.get("documentNumber") or row.get("id"))
    doc_id = str(row.get("id") or number)
    note = document_note(row)
    return SaleRef(doc_id, number, key, SaleState.BOOKED, existing=existing, note=note)
