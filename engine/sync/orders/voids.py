"""Booked orders that WooCommerce changed later: reverse, or acknowledge.

A booked order that reaches a ``void_on`` status (cancelled, refunded) is
reversed in the back office.  A reversal cannot be undone, so it happens at
most once: the outbox moves the order done → voiding → voided, the adapter
looks the void key up before posting, and every step is logged loudly.  A
voided order that is completed again is *not* booked again by itself — the
admin re-creates it in WooCommerce as a new order.

Every other later revision (our own receipt write-back included) is
compared with the booking fingerprint: unchanged → acknowledged silently;
changed lines or amounts → acknowledged with a warning, because the
receipt is already booked and only the admin can decide what to correct.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.backends.base import Capability, SaleRef
from engine.errors import NotFoundError, RemoteError
from engine.events import Level
from engine.model import Order
from engine.store import Link, OutboxEntry, OutboxState
from engine.sync.context import SyncContext
from engine.sync.orders.failures import Escalation, Failure
from engine.sync.orders.mapping import OrderDataError, booking_fingerprint, order_from_woo
from engine.sync.orders.refunds import PartialRefunds
from engine.sync.orders.rules import OrderRules, sale_key
from engine.sync.orders.writeback import Receipt, ReceiptWriteBack

__all__ = ["ORDER_LINK", "VOID_UNSUPPORTED", "RevisionReview", "Voids"]

#: Link kind: Woo order id ↔ back-office receipt id, hash = booking fingerprint.
ORDER_LINK = "order"
#: The history note of a booked order cancelled where the back office cannot void.
VOID_UNSUPPORTED = "void not supported here"


class RevisionReview:
    """Decides, for each booked order Woo revised, whether it needs a reversal."""

    def __init__(self, ctx: SyncContext, rules: OrderRules, log: Callable[..., None]) -> None:
        self._ctx = ctx
        self._rules = rules
        self._log = log

    async def review_all(self) -> tuple[int, int]:
        """Returns (orders marked for voiding, revisions acknowledged)."""
        marked = acknowledged = 0
        outbox = self._ctx.store.outbox
        for entry in await outbox.revised_after_booking(connection=self._ctx.connection):
            if await self.review(entry):
                marked += 1
            else:
                acknowledged += 1
        return marked, acknowledged

    async def review(self, entry: OutboxEntry) -> bool:
        """True when the order was marked for voiding."""
        outbox, connection = self._ctx.store.outbox, self._ctx.connection
        status = str(entry.payload_data().get("status") or "")
        if entry.state is OutboxState.DONE and self._rules.voids(status):
            if Capability.SALES_VOID not in self._ctx.backend.capabilities:
                await self._cannot_void(entry, status)
                return False
            if not await self._still_voided(entry):
                return False
            reason = f"WooCommerce status {status!r} after booking as {entry.backoffice_ref}"
            await outbox.mark_voiding(entry.woo_order_id, reason, connection=connection)
            self._log(entry, Level.WARNING, f"marked for reversal: {reason}")
            return True
        if entry.state is OutboxState.VOIDED and self._rules.books(status):
            self._log(
                entry,
                Level.WARNING,
                f"is {status!r} again but its receipt was reversed; not booked again — "
                "re-create the order in WooCommerce to book it",
            )
        elif entry.state is OutboxState.DONE:
            await self._compare(entry)
        await outbox.acknowledge_revision(entry.woo_order_id, connection=connection)
        return False

    async def _cannot_void(self, entry: OutboxEntry, status: str) -> None:
        """A back office without reversals: say so once for this order and book on.

        Queueing a reversal here would fail as a configuration error and pause
        every booking of the connection; the sale stays booked, the order
        stays done, and the admin reverses the receipt by hand.
        """
        backend = self._ctx.backend.name
        self._log(
            entry,
            Level.WARNING,
            f"is {status!r} after booking as {entry.backoffice_ref}: {VOID_UNSUPPORTED} "
            f"({backend} cannot void sales through its API) — reverse the receipt in "
            f"{backend} by hand",
        )
        await self._ctx.store.outbox.acknowledge_revision(
            entry.woo_order_id,
            connection=self._ctx.connection,
            detail=f"{VOID_UNSUPPORTED}: WooCommerce status {status!r}",
        )

    async def _still_voided(self, entry: OutboxEntry) -> bool:
        """A reversal can't be undone, and a delivery is only a hint: WooCommerce must
        still say cancelled/refunded now.  If it can't be asked, the review waits."""
        try:
            live = await self._ctx.woo.get_order(entry.woo_order_id)
        except NotFoundError:
            live = {"status": "deleted"}  # a deleted order's receipt stays booked
        except RemoteError as exc:
            self._log(entry, Level.INFO, f"reversal waits: WooCommerce not asked ({exc.kind})")
            return False
        status = str(live.get("status") or "")
        if self._rules.voids(status):
            return True
        self._log(
            entry,
            Level.WARNING,
            f"a delivery said it was cancelled but WooCommerce says {status!r} now; not reversed",
        )
        await self._ctx.store.outbox.acknowledge_revision(
            entry.woo_order_id, connection=self._ctx.connection
        )
        return False

    async def _compare(self, entry: OutboxEntry) -> None:
        link = await self._ctx.store.links.get_by_woo_id(
            ORDER_LINK, entry.woo_order_id, connection=self._ctx.connection
        )
        try:
            now = booking_fingerprint(order_from_woo(entry.payload_data()))
        except OrderDataError as exc:
            now = f"unreadable: {exc.message}"
        if link is not None and link.hash != now:
            self._log(
                entry,
                Level.WARNING,
                f"changed in WooCommerce after booking as {entry.backoffice_ref}; the "
                "receipt was not changed — correct it in the back office if needed",
            )
        refunds = entry.payload_data().get("refunds") or []
        if refunds and Capability.SALES_REFUND in self._ctx.backend.capabilities:
            sale = SaleRef(link.backoffice_id if link else "", entry.backoffice_ref or "",
                           sale_key(entry).value)  # fmt: skip
            await PartialRefunds(self._ctx, self._log).book_new(entry, sale)
        elif refunds:
            self._log(
                entry,
                Level.WARNING,
                f"has {len(refunds)} partial refund(s) in WooCommerce after booking as "
                f"{entry.backoffice_ref}; only a cancelled or refunded order is reversed",
            )


class Voids:
    """Posts the reversal for each order in ``voiding`` state."""

    def __init__(
        self, ctx: SyncContext, writeback: ReceiptWriteBack, escalation: Escalation
    ) -> None:
        self._ctx = ctx
        self._writeback = writeback
        self._escalation = escalation
        self._log = escalation.order_log

    async def run_due(self) -> tuple[int, Failure | None]:
        """Returns (voided, the failure that stopped the run: back office refusing all)."""
        voided = 0
        for entry in await self._ctx.store.outbox.due_voids(connection=self._ctx.connection):
            failure = await self.void(entry)
            if failure is None:
                voided += 1
            elif failure.stop:
                return voided, failure
        return voided, None

    async def _sale(self, entry: OutboxEntry) -> SaleRef:
        """The booked sale: by its link, or looked up by key if the link is gone."""
        link = await self._ctx.store.links.get_by_woo_id(
            ORDER_LINK, entry.woo_order_id, connection=self._ctx.connection
        )
        key = sale_key(entry)
        if link is None:
            found = await self._ctx.backend.find_sale(key)
            if found is not None:
                return found
        backoffice_id = link.backoffice_id if link else ""
        return SaleRef(backoffice_id, entry.backoffice_ref or "", key.value)

    async def void(self, entry: OutboxEntry) -> Failure | None:
        """Reverse one booked sale; returns the failure, if it failed."""
        name = self._ctx.backend.name
        try:
            sale = await self._sale(entry)
            self._log(
                entry, Level.WARNING, f"reversing receipt {sale.number} in {name} (irreversible)"
            )
            reversal = await self._ctx.backend.void_sale(sale, sale_key(entry).for_void())
        except Exception as exc:  # every failure is recorded on the order
            return await self._escalation.void_failed(entry, exc)
        number = reversal.number or reversal.id
        voided = await self._ctx.store.outbox.mark_voided(
            entry.woo_order_id, number, connection=self._ctx.connection
        )
        self._log(voided, Level.WARNING, f"receipt {sale.number} reversed by {number} in {name}")
        receipt = Receipt(entry.woo_order_id, name, sale.number, sale.id)
        await self._writeback.voided(receipt, number)
        return None


def link_for(order: Order, sale: SaleRef) -> Link:
    return Link(
        ORDER_LINK,
        sale.id or sale.number,
        order.woo_id,
        sale.number or None,
        booking_fingerprint(order),
    )
