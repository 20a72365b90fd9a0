"""The light poll: orders reach the outbox within seconds even though webhooks are late.

A real WooCommerce sends webhooks from Action Scheduler, which WP-cron runs
only when the site gets traffic, at most about once a minute: order to
delivery took 44-141 s on a real shop (reference §14).  The watch asks every
``interval`` seconds for the id and modification date of the orders changed
lately, a single small request (``_fields=id,date_modified_gmt``) that a
shop answers in about 0.1 s, and fetches in full only the revisions it has
not seen yet, all in one request (``include=``).  They go to the same intake
as the webhooks and the scheduled poll, where a duplicate costs nothing.

The window follows the shop's own clock (the newest ``date_modified_gmt``
seen, less ``overlap``), so clock skew between us and the shop can't hide an
order.  It is adaptive: the interval stretches so that the watch keeps at
most ``budget`` of one shop worker busy (a shop answering in 1 s is asked
every 40 s instead of every 12) and doubles after each failed check, up to
``max_interval``.  The scheduled poll remains the safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.errors import TillsyncError
from engine.store import OrderSource
from engine.store.timestamps import utc_now
from engine.sync.context import SyncContext
from engine.sync.orders.intake import OrderIntake
from engine.sync.orders.mapping import OrderDataError, parse_gmt
from engine.webhooks import IntakeResult

__all__ = ["OrderWatch", "WatchCheck"]

log = logging.getLogger(__name__)

LIGHT_FIELDS = "id,date_modified_gmt"
_FIRST_WINDOW = timedelta(minutes=10)  # before the first order is seen: covers clock skew


@dataclass(frozen=True)
class WatchCheck:
    """One check: rows the light list returned, orders fetched in full, and ``new``:
    revisions written to the outbox (a new order or a changed one)."""

    listed: int
    fetched: int
    new: int
    response_s: float


class OrderWatch:
    """``await OrderWatch(ctx, intake).run_forever(stop)`` beside the outbox worker."""

    def __init__(
        self,
        ctx: SyncContext,
        intake: OrderIntake,
        *,
        interval: float = 12.0,
        budget: float = 0.025,
        max_interval: float = 120.0,
        overlap: timedelta = timedelta(seconds=30),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ctx = ctx
        self.intake = intake
        self.interval = interval
        self.budget = budget
        self.max_interval = max_interval
        self.overlap = overlap
        self._clock = clock
        self._seen: dict[int, datetime] = {}
        self._newest: datetime | None = None
        self._response_s: float | None = None
        self._failures = 0
        self.checks = 0

    def window_start(self) -> datetime:
        """``modified_after`` of the next light request (shop clock, with overlap)."""
        if self._newest is None:
            return utc_now() - _FIRST_WINDOW
        return self._newest - self.overlap

    def next_interval(self) -> float:
        """Seconds until the next check: the base, stretched for a slow shop or failures."""
        if self._failures:
            return min(self.max_interval, self.interval * 2**self._failures)
        paced = (self._response_s or 0.0) / self.budget
        return min(self.max_interval, max(self.interval, paced))

    def _pace(self, response_s: float) -> None:
        """Slower at once, faster gradually: a shop under load is not asked harder."""
        smoothed = 0.7 * (self._response_s or 0.0) + 0.3 * response_s
        self._response_s = max(response_s, smoothed)

    async def check(self) -> WatchCheck:
        """One light request; the revisions not seen yet are fetched and offered."""
        started = self._clock()
        rows = [row async for row in self._light_list()]
        response_s = self._clock() - started
        self._pace(response_s)
        changed = [
            oid for oid, modified in self._revisions(rows) if self._seen.get(oid) != modified
        ]
        new = await self._fetch_and_offer(changed) if changed else 0
        self._forget_old()
        self.checks += 1
        return WatchCheck(len(rows), len(changed), new, response_s)

    def _light_list(self) -> AsyncIterator[dict[str, Any]]:
        return self.ctx.woo.iter_orders(
            modified_after=self.window_start(), _fields=LIGHT_FIELDS, per_page=100
        )

    def _revisions(self, rows: list[dict[str, Any]]) -> list[tuple[int, datetime]]:
        out = []
        for row in rows:
            try:
                out.append((int(row["id"]), parse_gmt(row.get("date_modified_gmt"), "modified")))
            except (KeyError, TypeError, ValueError, OrderDataError):
                continue  # the full poll reports unreadable orders; the watch only hurries
        return out

    async def _fetch_and_offer(self, order_ids: list[int]) -> int:
        new = 0
        include = ",".join(str(oid) for oid in sorted(set(order_ids)))
        async for order in self.ctx.woo.iter_orders(include=include, per_page=100):
            try:
                modified = parse_gmt(order.get("date_modified_gmt"), "date_modified_gmt")
                result = await self.intake.offer(order, modified, OrderSource.POLL)
            except (OrderDataError, KeyError, TypeError, ValueError) as exc:
                log.info("order watch: order %s left to the poll: %s", order.get("id"), exc)
                continue
            self._seen[int(order["id"])] = modified
            self._newest = max(self._newest or modified, modified)
            new += result is IntakeResult.NEW
        return new

    def _forget_old(self) -> None:
        horizon = self.window_start()
        self._seen = {oid: at for oid, at in self._seen.items() if at >= horizon}

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Check, wait the adaptive interval, until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.check()
                self._failures = 0
            except (TillsyncError, OSError) as exc:
                self._failures += 1
                log.warning("order watch: check failed (%s); next in %.0f s",
                            exc, self.next_interval())  # fmt: skip
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.next_interval())
