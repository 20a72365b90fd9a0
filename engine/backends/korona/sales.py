"""Booking web orders as receipts on KORONA's External POS, and reversing them.

The sequence is always look-up-then-create under the connection's write
lock: find the receipt by its deterministic number, and only if it is not
there, post it.  A POST that fails ambiguously (timeout, 5xx, or "number
already in use") is followed by another look-up, so a crash or retry at
any point books the order exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from engine.backends.base import IdempotencyKey, SaleRef
from engine.backends.korona.api import KoronaApi
from engine.backends.korona.catalog import is_external_pos, location_from_pos
from engine.backends.korona.errors import KoronaConfigError
from engine.backends.korona.receipt_refs import ReceiptLookup
from engine.backends.korona.receipts import receipt_from_order
from engine.backends.korona.reversals import (
    KEY_REFERENCE,
    reversal_of,
    sale_ref_from_receipt,
    sale_ref_from_results,
)
from engine.backends.korona.wire import is_uuid
from engine.errors import ConfigError, NotFoundError, TransientError, ValidationError
from engine.model import Location, Order

__all__ = ["ExternalPos"]

log = logging.getLogger(__name__)


def _matches(receipt: Mapping[str, Any], key: IdempotencyKey) -> bool:
    refs = receipt.get("externalReferences") or {}
    return receipt.get("number") == key.value or refs.get(KEY_REFERENCE) == key.value


class ExternalPos:
    """One coupled External POS of a KORONA account, as a receipt book."""

    def __init__(self, api: KoronaApi, lookup: ReceiptLookup) -> None:
        self._api = api
        self._lookup = lookup
        self.pos_id = api.settings.point_of_sale_id

    async def _require_pos(self) -> str:
        if not self.pos_id:
            raise ConfigError(
                "no KORONA point of sale selected: orders cannot be booked",
                hint="Select an External POS for this connection.",
            )
        self.pos_id = await self._api.resolve_id("pointsOfSale", self.pos_id)
        return self.pos_id

    async def require_pos(self) -> str:
        """The External POS's uuid (a number in the settings is resolved), or ConfigError."""
        return await self._require_pos()

    def _coupling_id(self) -> str:
        coupling = self._api.settings.coupling_id
        if not coupling:
            raise ConfigError("no KORONA coupling id configured for the External POS")
        return coupling

    async def select(self, pos_id: str) -> Location:
        """Validate that ``pos_id`` is an External POS and couple to it."""
        pos_id = await self._api.resolve_id("pointsOfSale", pos_id)
        data = await self._api.get(self._api.path("pointsOfSale", pos_id))
        if not is_external_pos(data):
            raise KoronaConfigError(
                f"KORONA point of sale {data.get('name') or pos_id} is of type "
                f"{data.get('type') or 'unknown'}; only External POS can take web orders",
                code="POINT_OF_SALE_NOT_EXTERNAL",
                hint="Choose a point of sale of type External in the settings.",
            )
        if data.get("coupled"):
            await self._verify_coupling(pos_id)
        else:
            async with self._api.write_lock:
                await self._couple(pos_id)
            data = {**data, "coupled": True}
        self.pos_id = pos_id
        return location_from_pos(data)

    async def _couple(self, pos_id: str) -> None:
        """PATCH the couplingId; the caller holds the write lock."""
        coupling = self._coupling_id()
        log.info("korona: coupling point of sale %s", pos_id)
        path = self._api.path("pointsOfSale", pos_id)
        await self._api.write_unlocked("PATCH", path, {"couplingId": coupling})

    async def _verify_coupling(self, pos_id: str) -> None:
        """GET with our couplingId: KORONA's documented check, 403 if another device holds it."""
        params = {"couplingId": self._coupling_id()}
        await self._api.get(self._api.path("pointsOfSale", pos_id), params)

    async def find(self, key: IdempotencyKey) -> SaleRef | None:
        """The receipt booked under ``key`` (account-wide, any POS), if any."""
        body = await self._api.get(self._api.path("receipts"), {"number": key.value})
        for receipt in (body or {}).get("results") or ():
            if _matches(receipt, key):
                return sale_ref_from_receipt(receipt, existing=True)
        return None

    async def _post(self, receipt: dict[str, Any]) -> Any:
        """POST one receipt (lock held); couples first if KORONA says we are not."""
        pos_id = await self._require_pos()
        params = {"couplingId": self._coupling_id(), "disableReceiptNumberPrefix": "true"}
        path = self._api.path("pointsOfSale", pos_id, "receipts")
        try:
            return await self._api.write_unlocked("POST", path, [receipt], params)
        except KoronaConfigError as error:
            if error.code != "POINT_OF_SALE_NOT_COUPLED":
                raise
        await self._couple(pos_id)
        return await self._api.write_unlocked("POST", path, [receipt], params)

    async def _post_once(
        self, receipt: dict[str, Any], key: IdempotencyKey, reverses: str | None
    ) -> SaleRef:
        """POST, then on an ambiguous failure look again before giving up."""
        try:
            results = await self._post(receipt)
            return sale_ref_from_results(results or [], key, reverses=reverses)
        except (TransientError, ValidationError) as error:
            # keep the POST's exchange for the dead-letter debugger, not the look-up's
            error.capture = error.capture or self._api.client.last_capture
            found = await self.find(key)
            if found is not None:
                log.info("korona: receipt %s was booked despite the error; linking it", key)
                return found
            raise

    async def create(self, order: Order, key: IdempotencyKey) -> SaleRef:
        key = key.for_sale()
        async with self._api.write_lock:
            found = await self.find(key)
            if found is not None:
                return found
            refs = await self._lookup.refs(order)
            receipt = receipt_from_order(order, key, self._api.settings, refs)
            receipt["pointOfSale"] = {"id": await self._require_pos()}
            return await self._post_once(receipt, key, None)

    async def _by_number(self, number: str) -> dict[str, Any]:
        """A receipt KORONA answered as QUEUED (booked without an id), found by number.

        Not there yet means KORONA has not booked it: the void waits and is
        retried; it is never posted against a receipt that doesn't exist.
        """
        body = await self._api.get(self._api.path("receipts"), {"number": number})
        found = [r for r in (body or {}).get("results") or () if r.get("number") == number]
        originals = [r for r in found if not r.get("reversal") and r.get("id")]
        if not originals:
            raise TransientError(
                f"KORONA has not booked queued receipt {number} yet; the void waits for it",
                hint="KORONA books queued receipts later; the void is retried.",
            )
        return originals[0]

    async def _original(self, ref: SaleRef) -> dict[str, Any]:
        """The receipt to reverse: by its uuid, or by number when KORONA gave no id.

        A sale answered QUEUED is linked under its number, so ``ref.id`` may be
        a number; it never goes into the ``receipts/{id}`` path.
        """
        if not is_uuid(ref.id):
            number = ref.number or ref.id or ref.key
            if not number:
                raise ValidationError("cannot void a sale without a KORONA receipt id or number")
            return await self._by_number(number)
        try:
            return await self._api.get(self._api.path("receipts", ref.id))
        except NotFoundError as error:
            raise NotFoundError(
                f"KORONA receipt {ref.number or ref.id} to void was not found",
                status=error.status, code=error.code, capture=error.capture,
            ) from None  # fmt: skip

    async def void(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        """Post a reversal receipt for ``ref`` (irreversible) unless one exists."""
        void_key = key.for_void()
        async with self._api.write_lock:
            found = await self.find(void_key)
            if found is not None:
                return found
            original = await self._original(ref)
            if original.get("reversal"):
                raise ValidationError(f"KORONA receipt {ref.number} is itself a reversal")
            receipt = reversal_of(original, void_key)
            receipt["pointOfSale"] = {"id": await self._require_pos()}
            log.warning("korona: voiding receipt %s with reversal %s", ref.number, void_key)
            return await self._post_once(receipt, void_key, str(original.get("id") or ref.id))
