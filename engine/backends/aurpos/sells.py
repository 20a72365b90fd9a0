"""Booking, finding, voiding and finalising sells: the Connector has no idempotency.

There is no idempotency key and no look-up by ``invoice_no`` [V].  Before
posting, the sells of the order's day (± ``lookup_days``, for the POS's time
zone) at the location are scanned for the WooCommerce number with our
source, or for our key in the staff note; a lost answer is therefore found
on the retry instead of booked twice.  (``source=woocommerce`` can't be the
filter: the Connector reads it as "made by the POS's own WooCommerce
module" [V].)  Posts go one at a time (``write_lock``), so two workers can't
both miss and both create.

``POST sell`` answers 200 with one element per sell [V]; an element without
``id`` is that sell's error.  ``DELETE sell/{id}`` is a hard delete and
answers ``success: true`` even for an id that is gone [V] (a retried void is
harmless); ``success: false`` (a sell return exists) is refused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from engine.backends.aurpos.api import AurposApi, unwrap
from engine.backends.aurpos.contacts import ContactBook
from engine.backends.aurpos.drafts import draft_record, product_ids, shortages
from engine.backends.aurpos.sell_body import OUT_OF_STOCK, SellPlan, plan_sell
from engine.backends.records import DraftSale, IdempotencyKey, SaleRef, SaleState
from engine.errors import ConfigError, NotFoundError, TillsyncError, ValidationError
from engine.model import Order

__all__ = ["SellDesk", "element_error"]

_log = logging.getLogger(__name__)
_LOOKUP_PAGES = 10  # newest pages scanned by find(key), which has no date


def element_error(element: Any) -> str | None:
    """The message of a failed batch element; None when it is a stored sell."""
    if isinstance(element, Mapping) and element.get("id") is not None:
        return None
    if isinstance(element, Mapping):
        for holder in (element.get("original"), element):
            error = holder.get("error") if isinstance(holder, Mapping) else None
            if isinstance(error, Mapping) and error.get("message"):
                return str(error["message"])
            if isinstance(holder, Mapping) and holder.get("message"):
                return str(holder["message"])
    return "AurPOS answered an element without an id"


def _ref(row: Mapping[str, Any], key: IdempotencyKey, existing: bool) -> SaleRef:
    return SaleRef(str(row["id"]), str(row.get("invoice_no") or ""), key.value,
                   SaleState.BOOKED, existing=existing)  # fmt: skip


class SellDesk:
    """Sells of one location."""

    def __init__(self, api: AurposApi, contacts: ContactBook) -> None:
        self.api = api
        self.contacts = contacts
        self._rates: dict[Decimal, str] | None = None
        self.last_plan: SellPlan | None = None
        self._finalised_at = float("-inf")

    @property
    def location(self) -> str:
        location = self.api.settings.location
        if not location:
            raise ConfigError("no AurPOS business location chosen: pick one to book orders at")
        return location

    async def rates(self) -> dict[Decimal, str]:
        if self._rates is None:
            rows = await self.api.all_rows("tax")
            self._rates = {Decimal(str(r.get("amount"))): str(r["id"]) for r in rows
                           if not r.get("is_tax_group")}  # fmt: skip
        return self._rates

    async def products(self, ids: set[str]) -> dict[str, Mapping[str, Any]]:
        if not ids:
            return {}
        try:
            rows = unwrap(await self.api.get(f"product/{','.join(sorted(ids))}"))
        except NotFoundError:  # none of them exists any more
            return {}
        return {str(row["id"]): row for row in rows if isinstance(row, Mapping)}

    async def create(self, order: Order, key: IdempotencyKey) -> SaleRef:
        location = self.location
        await self._finalise_when_due()
        ids = {(line.backoffice_product_id or "").partition(":")[0] for line in order.lines}
        products = await self.products({i for i in ids if i})
        s = self.api.settings
        plan = plan_sell(order, key, products, await self.rates(), location, s.status_map, s.source)
        contact = await self.contacts.contact_id(order.customer, order.number)
        async with self.api.write_lock:
            found = await self.find_for(order, key)
            if found is not None:
                return found
            answer = unwrap(
                await self.api.send(
                    "POST", "sell", {"sells": [plan.body | {"contact_id": contact}]}
                )
            )
        self.last_plan = plan
        element = answer[0] if isinstance(answer, list) and answer else answer
        problem = element_error(element)
        if problem is not None:
            raise ValidationError(f"AurPOS refused the sell of order {order.number}: {problem}")
        if plan.short:
            skus = ", ".join(plan.short)
            _log.warning(
                "aurpos: order %s saved as a DRAFT sell at location %s, out of stock: %s "
                "(made final once the stock is back)", order.number, location, skus,
            )  # fmt: skip
        return _ref(element, key, existing=False)

    def _matches(self, row: Mapping[str, Any], key: IdempotencyKey, number: str | None) -> bool:
        if f"tillsync {key.value}" in str(row.get("staff_note") or ""):
            return True
        ours = str(row.get("source") or "") == self.api.settings.source
        return number is not None and ours and str(row.get("invoice_no")) == number

    async def find_for(self, order: Order, key: IdempotencyKey) -> SaleRef | None:
        """Our sell of this order, scanning the days around its booking time."""
        moment = order.trigger_gmt or order.created_gmt or order.modified_gmt
        days = timedelta(days=self.api.settings.lookup_days)
        params = {"location_id": self.location, "start_date": (moment - days).strftime("%Y-%m-%d"),
                  "end_date": (moment + days).strftime("%Y-%m-%d")}  # fmt: skip
        async for rows in self.api.rows("sell", params):
            for row in rows:
                if self._matches(row, key, order.number):
                    return _ref(row, key, existing=True)
        return None

    async def find(self, key: IdempotencyKey) -> SaleRef | None:
        """By our key in the staff note, in the newest sells of the location."""
        pages = 0
        async for rows in self.api.rows("sell", {"location_id": self.location}):
            for row in rows:
                if self._matches(row, key, None):
                    return _ref(row, key, existing=True)
            pages += 1
            if pages >= _LOOKUP_PAGES:
                break
        return None

    async def void(self, ref: SaleRef, key: IdempotencyKey) -> SaleRef:
        async with self.api.write_lock:
            answer = unwrap(await self.api.send("DELETE", f"sell/{ref.id}", None))
        if isinstance(answer, Mapping) and answer.get("success") is False:
            raise ValidationError(
                f"AurPOS refused to delete sell {ref.number or ref.id}: {answer.get('msg')}"
            )
        return SaleRef(ref.id, ref.number, key.value, SaleState.VOIDED, reverses=ref.id)

    async def drafts(self) -> list[Mapping[str, Any]]:
        """Our sells kept as drafts for want of stock, newest first."""
        params = {"location_id": self.location, "status": "draft"}
        found = []
        async for rows in self.api.rows("sell", params):
            found.extend(r for r in rows if OUT_OF_STOCK in str(r.get("staff_note") or ""))
        return found

    async def finalise(self, ids: Collection[str] | None = None) -> list[str]:
        """Make final every out-of-stock draft (of ``ids``, sell ids, when given) whose
        lines are in stock now; their numbers."""
        done = []
        drafts = [s for s in await self.drafts() if ids is None or str(s["id"]) in ids]
        products = await self.products(product_ids(drafts))
        for sell in drafts:
            if not shortages(sell, products, self.location):
                note = str(sell.get("staff_note") or "").replace(
                    OUT_OF_STOCK, "[tillsync: finalised]"
                )
                async with self.api.write_lock:
                    await self.api.send(
                        "PUT", f"sell/{sell['id']}", {"status": "final", "staff_note": note}
                    )
                done.append(str(sell.get("invoice_no") or sell["id"]))
        return done

    async def draft_records(self) -> list[DraftSale]:
        """The out-of-stock drafts, each saying what is short now or that stock is back."""
        drafts = await self.drafts()
        products = await self.products(product_ids(drafts))
        return [draft_record(s, shortages(s, products, self.location)) for s in drafts]

    async def _finalise_when_due(self) -> None:
        """Every ``finalise_drafts_minutes``, before a new sell: drafts whose stock is back.

        WHY here: the order worker is the one writer to the POS, so a draft is made
        final by the same path that made it, never by a read (a dry run stays dry).
        A failure is logged and never keeps the new order from being booked.
        """
        every = self.api.settings.finalise_drafts_minutes * 60
        if every <= 0 or time.monotonic() - self._finalised_at < every:
            return
        self._finalised_at = time.monotonic()
        try:
            done = await self.finalise()
        except TillsyncError as error:
            _log.warning("aurpos: finalising drafts failed: %s", error.message)
            return
        if done:
            _log.info("aurpos: drafts made final now that stock is back: %s", ", ".join(done))
