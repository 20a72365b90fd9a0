"""The full sync: an ordered list of steps, after a check of the request quota.

Steps, in order: ``catalog`` (match by SKU, then categories, then products,
all read in full), ``coupons`` (vouchers matched by code, where the back
office keeps vouchers), ``stock`` (in full), ``orders`` (the order poll, in full;
it also brings orders taken in the back office down where the back office
declares ``orders.read``).  A back office with a request quota says what a
full sync needs at least and what its account still allows
(``Backend.request_budget``); when the quota can't cover the estimate the
sync refuses before any step, with both numbers.

A bad item never stops a step: it is set aside with its reason and listed
in the report.  A step that fails as a whole stops the sync, unless
``ignore_errors``: then the failure is listed and the next step runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from engine.backends.budget import RequestBudget
from engine.errors import FailureKind, TillsyncError
from engine.sync.catalog import CatalogSync
from engine.sync.context import SyncContext
from engine.sync.coupon_pull import sync_coupons
from engine.sync.orders.poll import OrderPoll
from engine.sync.stock import StockSync

__all__ = ["STEPS", "FullSync", "FullSyncReport", "QuotaTooLow"]

STEPS = ("catalog", "coupons", "stock", "orders")


class QuotaTooLow(TillsyncError):
    """The account's remaining request quota can't cover a full sync."""

    kind = FailureKind.RATE_LIMITED

    def __init__(self, budget: RequestBudget) -> None:
        super().__init__(
            f"full sync refused: {budget.describe()}",
            hint="Wait for the quota to reset, or sync the catalog and stock apart.",
        )
        self.budget = budget


@dataclass
class FullSyncReport:
    budget: RequestBudget | None = None
    done: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # "<step>: <item>: <reason>"
    failed: list[str] = field(default_factory=list)  # "<step>: <error>"
    stopped_at: str | None = None


class FullSync:
    """``await FullSync(ctx).run(ignore_errors=False)``."""

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    def _steps(self) -> list[tuple[str, Callable[[FullSyncReport], Awaitable[None]]]]:
        return [
            ("catalog", self._catalog),
            ("coupons", self._coupons),
            ("stock", self._stock),
            ("orders", self._orders),
        ]

    async def run(self, *, ignore_errors: bool = False) -> FullSyncReport:
        report = FullSyncReport(budget=await self.ctx.backend.request_budget())
        if report.budget is not None and not report.budget.covered:
            raise QuotaTooLow(report.budget)
        for name, step in self._steps():
            try:
                await step(report)
            except TillsyncError as error:
                report.failed.append(f"{name}: {error.message}")
                if not ignore_errors:
                    report.stopped_at = name
                    return report
            else:
                report.done.append(name)
        return report

    async def _catalog(self, report: FullSyncReport) -> None:
        result = await CatalogSync(self.ctx).run(full=True)
        report.set_aside += [f"catalog: {e.key}: {e.reason}" for e in result.diff.of("skip")]

    async def _coupons(self, report: FullSyncReport) -> None:
        """Vouchers matched by code, each way the connection's directions say (a back
        office without vouchers: nothing to do)."""
        result = await sync_coupons(self.ctx)
        report.set_aside += [f"coupons: {line}" for line in result.refused]

    async def _stock(self, report: FullSyncReport) -> None:
        result = await StockSync(self.ctx).run(full=True)
        report.set_aside += [f"stock: {e.key}: {e.reason}" for e in result.diff.of("skip")]

    async def _orders(self, report: FullSyncReport) -> None:
        await OrderPoll(self.ctx).run(full=True)
