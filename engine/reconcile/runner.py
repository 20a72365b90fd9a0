"""One reconciliation of one connection: read, compare, repair what is safe, report.

Money is never changed here: a missing sale, a double one, a wrong total or
a missing void is listed for a human (a missing booking is re-sent through
the outbox by the admin, never posted directly).  Stale prices and stock
are rewritten by the full catalog and stock passes unless this is a dry run.
A back office that cannot list its sales gets a report that says so.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path

from engine.backends.base import Capability
from engine.errors import ConfigError, NotFoundError
from engine.events import Level, LogEvent
from engine.model import Order
from engine.notify import Alert, AlertSink, Severity
from engine.reconcile.catalog import catalog_drifts
from engine.reconcile.drift import Drift, DriftKind, DriftReport
from engine.reconcile.money import NEVER_QUEUED, MoneyCheck, compare_orders
from engine.reconcile.period import Period
from engine.reconcile.report_file import last_report_path, render_text, write_report
from engine.reconcile.sides import read_orders, read_sales
from engine.reconcile.totals import totals_table
from engine.store import MappingKind
from engine.store.outbox_records import OrderSource
from engine.sync.catalog import CatalogReport
from engine.sync.context import SyncContext
from engine.sync.jobrun import JobRun
from engine.sync.orders.intake import OrderIntake
from engine.sync.orders.rules import OrderRules
from engine.sync.stock import StockReport

__all__ = ["CatalogPasses", "Reconciliation"]

log = logging.getLogger(__name__)

CatalogPasses = Callable[[bool], Awaitable[Sequence[CatalogReport | StockReport]]]
"""Runs the full catalog and stock passes (dry or not) and returns their reports."""

NOT_LISTED = "this back office cannot list its sales: orders and money were not compared"


_SOLD_BY_HAND = (DriftKind.DOUBLE_SALE, DriftKind.NO_WEB_ORDER)


def _explained(
    found: list[Drift], money: DriftReport, unbooked: Mapping[int | None, str]
) -> list[Drift]:
    """A stock drift's likely cause: a web order of the product with no sale yet, the
    back office's own sales when the period has some, else a hand edit in the shop."""
    by_hand = any(d.kind in _SOLD_BY_HAND for d in money.drifts)
    explained = []
    for drift in found:
        if drift.kind is DriftKind.STOCK and drift.woo_product_id in unbooked:
            number = unbooked[drift.woo_product_id]
            drift = replace(drift, cause=f"sold in web order {number}, which has no sale yet")
        elif drift.kind is DriftKind.STOCK and by_hand:
            cause = "changed by hand in the shop, or sold in the back office without a web order"
            drift = replace(drift, cause=cause)
        explained.append(drift)
    return explained


@dataclass
class Reconciliation:
    ctx: SyncContext
    rules: OrderRules
    tz: tzinfo
    passes: CatalogPasses | None = None
    alerts: AlertSink | None = None
    mail_always: bool = False
    intake: OrderIntake | None = None  # where a missing booking is queued (book_missing)
    book_missing: bool = False  # money: off unless asked (a dry run is the default)
    _unbooked: dict[int | None, str] = field(default_factory=dict, init=False, repr=False)

    async def run(
        self, period: Period, *, dry_run: bool = True, report: str | Path | None = None
    ) -> DriftReport:
        async with JobRun(self.ctx, "reconcile", full=True, dry_run=dry_run) as run:
            result = await self._money(period, dry_run)
            if self.passes is not None:
                reports = await self.passes(dry_run)
                for part in reports:
                    run.totals.written += part.totals.written
                    run.totals.failed += part.totals.failed
                diffs = [part.diff for part in reports]
                found = [
                    await self._shop_stock(d, dry_run)
                    for d in catalog_drifts(diffs, dry_run=dry_run)
                ]
                result = replace(
                    result, drifts=result.drifts + tuple(_explained(found, result, self._unbooked))
                )
            # differences are not failures of the run: the card says how many, the report what
            run.totals.read += result.orders_read + result.sales_read
            run.totals.skipped = len(result.real)
        await self._keep(result, report)
        return result

    async def _money(self, period: Period, dry_run: bool) -> DriftReport:
        base = DriftReport(
            self.ctx.connection, period.label, period.start.isoformat(), period.end.isoformat(),
            dry_run=dry_run,
        )  # fmt: skip
        if Capability.SALES_LIST not in self.ctx.backend.capabilities:
            return replace(base, money_compared=False, notes=(NOT_LISTED,))
        try:
            sales = await read_sales(self.ctx, period)
        except ConfigError as error:  # a setting the listing needs (the POS, the location)
            note = f"orders and money were not compared: {error.message}"
            return replace(base, money_compared=False, notes=(note,))
        orders, payloads = await read_orders(self.ctx, period, self.rules, sales)
        payments = await self.ctx.store.mappings.of_kind(
            MappingKind.PAYMENT, connection=self.ctx.connection
        )
        check = MoneyCheck(period, self.rules.trigger_status, self.rules.void_on, payments)
        drifts = [await self._with_outbox(d) for d in compare_orders(orders, sales, check)]
        if self.book_missing and self.intake is not None:
            drifts = [await self._queued(d, payloads, orders) for d in drifts]
        for drift in drifts:
            order = orders.get(drift.order_id or 0)
            if drift.kind is DriftKind.MISSING_SALE and order is not None:
                self._unbooked.update({line.woo_product_id: order.number for line in order.lines})
        totals = totals_table(orders, sales, check, self.tz)
        return replace(
            base, orders_read=len(orders), sales_read=len(sales), drifts=tuple(drifts),
            totals=totals,
        )  # fmt: skip

    async def _queued(
        self, drift: Drift, payloads: Mapping[int, dict], orders: Mapping[int, Order]
    ) -> Drift:
        """A missing booking that never reached the outbox is offered to it (the worker
        books it); one the outbox holds is the admin's to retry."""
        if drift.kind is not DriftKind.MISSING_SALE or drift.cause != NEVER_QUEUED:
            return drift
        order_id = drift.order_id or 0
        assert self.intake is not None
        result = await self.intake.offer(
            payloads[order_id], orders[order_id].modified_gmt, OrderSource.POLL
        )
        return replace(drift, action=f"queued in the outbox ({result.value})")

    async def _with_outbox(self, drift: Drift) -> Drift:
        """A missing sale's cause: where its order stands in the outbox, if it is there."""
        if drift.kind is not DriftKind.MISSING_SALE or drift.order_id is None:
            return drift
        entry = await self.ctx.store.outbox.get(drift.order_id, connection=self.ctx.connection)
        if entry is None:
            return drift
        action = f"retry it: tillsync orders retry {drift.order_id}"
        return replace(drift, cause=f"in the outbox ({entry.state.value})", action=action)

    async def _shop_stock(self, drift: Drift, dry_run: bool) -> Drift:
        """The shop's stock figure for a stock drift (the stock pass does not fetch it).

        Only in a dry run: after a real pass the shop already holds the back office's.
        """
        if drift.kind is not DriftKind.STOCK or drift.shop or not dry_run:
            return drift
        if drift.woo_product_id is None:
            return drift
        try:
            product = await self.ctx.woo.get_product(drift.woo_product_id)
        except NotFoundError:
            return drift
        shop = str(product.get("stock_quantity"))
        detail = drift.detail.replace("? ->", f"{shop} ->")
        return replace(drift, shop=shop, detail=detail)

    async def _keep(self, result: DriftReport, report: str | Path | None) -> None:
        """The last report beside the state database, the admin's file, an event, a mail."""
        if self.ctx.store.path not in ("", ":memory:"):
            write_report(result, last_report_path(self.ctx.store.path, self.ctx.connection))
        if report is not None:
            write_report(result, report)
        level = Level.WARNING if result.real else Level.INFO
        event = LogEvent(
            text=f"reconcile {result.summary}", level=level, entity="drift",
            data={"period": result.period, "real": len(result.real),
                  "rounding": len(result.rounding), **result.counts()},
            job="reconcile", connection=self.ctx.connection,
        )  # fmt: skip
        self.ctx.bus.publish(event)
        if self.alerts is not None and (result.real or self.mail_always):
            severity = Severity.WARNING if result.real else Severity.INFO
            subject = f"tillsync {self.ctx.connection}: reconcile {result.summary}"
            key = f"reconcile:{self.ctx.connection}:{result.period}"
            await self.alerts.emit(Alert(severity, subject, render_text(result), key))
