"""The safety net under the webhooks: read orders changed since the last poll.

WooCommerce webhooks get late, merged, or switched off after failed
deliveries; the poll asks ``GET /orders?modified_after=…&dates_are_gmt=true``
and feeds every order to the same intake as the webhooks, where duplicates
cost nothing.  The cursor follows :class:`engine.cursor.TimeCursor`: it only
moves forward, is capped at the run's start and kept ``overlap`` behind, so
an order saved while the poll was reading, or on a store whose clock runs a
little behind ours, is read again rather than missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from engine.cursor import TimeCursor
from engine.store import OrderSource
from engine.store.timestamps import utc_now
from engine.sync.context import SyncContext
from engine.sync.jobrun import JobRun
from engine.sync.orders.from_backoffice import BackofficeOrderImport
from engine.sync.orders.intake import OrderIntake
from engine.sync.orders.mapping import OrderDataError, parse_gmt
from engine.sync.orders.store_marker import ensure_store_marker
from engine.sync.pos_sales import PosSalesImport
from engine.webhooks import IntakeResult

__all__ = ["ORDERS_CURSOR", "OrderPoll", "PollReport"]

ORDERS_CURSOR = "orders.modified_after"
_PROGRESS_EVERY = 100


@dataclass(frozen=True)
class PollReport:
    run_id: int
    read: int
    new: int
    ignored: int
    cursor: str | None


class OrderPoll:
    """``await OrderPoll(ctx).run()``: one JobRun "orders_poll" reading changed orders.

    The run is filed under the scheduled job's name, so the dashboard card and the
    Logs job filter find it (bookings' own events stay under "orders").
    """

    job = "orders_poll"

    def __init__(
        self,
        ctx: SyncContext,
        intake: OrderIntake | None = None,
        *,
        overlap: timedelta = timedelta(minutes=2),
    ) -> None:
        self.ctx = ctx
        self.intake = intake or OrderIntake(ctx)
        self.overlap = overlap

    async def run(self, full: bool = False) -> PollReport:
        """``full`` ignores the cursor and reads every order (first run, repair)."""
        store, connection = self.ctx.store, self.ctx.connection
        text = None if full else await store.cursors.value(ORDERS_CURSOR, connection=connection)
        cursor = TimeCursor.from_text(text, run_started_at=utc_now(), overlap=self.overlap)
        new = ignored = 0
        await ensure_store_marker(self.ctx)
        async with JobRun(self.ctx, self.job, full=full, dry_run=False) as run:
            seen = 0
            async for order in self.ctx.woo.iter_orders(modified_after=cursor.committed):
                result = await self._offer(run, order, cursor)
                seen += 1
                new += result is IntakeResult.NEW
                ignored += result is IntakeResult.IGNORED
                if seen % _PROGRESS_EVERY == 0:
                    run.progress(seen)
            await self._commit(cursor)
            run.totals.written = new + await BackofficeOrderImport(self.ctx).run()
            till = PosSalesImport(self.ctx)
            if till.wanted:  # sales rung up at the back office's till, into the shop
                run.totals.written += (await till.run()).imported
        return PollReport(run.run_id, run.totals.read, new, ignored, cursor.committable_text())

    async def _offer(self, run: JobRun, order: dict[str, Any], cursor: TimeCursor) -> IntakeResult:
        run.totals.read += 1
        try:
            modified = parse_gmt(order.get("date_modified_gmt"), "date_modified_gmt")
            result = await self.intake.offer(order, modified, OrderSource.POLL)
        except (OrderDataError, KeyError, TypeError, ValueError) as exc:
            await run.skip("order", str(order.get("id")), f"unreadable order: {exc}")
            return IntakeResult.IGNORED
        cursor.observe(modified)
        return result

    async def _commit(self, cursor: TimeCursor) -> None:
        """Only at the end: pages come in id order, not date order, so a cursor taken
        mid-read could pass over an order a later page holds."""
        text = cursor.committable_text()
        if text is not None and cursor.advanced:
            await self.ctx.store.cursors.set(ORDERS_CURSOR, text, connection=self.ctx.connection)
        cursor.commit()
