"""The Drift view: the last reconcile's differences, a table per kind, rows jump to the order."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import DataTable, Static

from engine.reconcile import DriftKind
from tests.tui.pilot import settle, until
from tests.tui.seed import CONNECTION
from tui.screens.drift import DriftScreen
from tui.screens.orders import OrdersScreen
from tui.widgets.order_table import OrderTable


async def test_d_on_the_dashboard_shows_the_last_report_and_enter_goes_to_the_order(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DriftScreen))
        summary = app.screen.query_one("#drift-summary", Static)
        await until(pilot, lambda: "No reconcile has run yet" in str(summary.render()))

        today = str(datetime.now(UTC).date())  # the seeded orders were placed today
        report = await app.call(app.engine.run_job("reconcile", CONNECTION, start=today))
        missing = [d for d in report.real if d.kind is DriftKind.MISSING_SALE]
        assert missing, report.drifts  # the seeded failed and held orders have no sale
        app.screen.reload()
        await until(pilot, lambda: report.summary in str(summary.render()))
        tables = list(app.screen.query(DataTable))
        assert len(tables) == len(
            {d.kind for d in report.real} | ({"r"} if report.rounding else set())
        )
        first = tables[0]
        assert first.row_count == len(missing)  # missing sales come first
        first.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OrdersScreen))
        table = app.screen.query_one(OrderTable)
        await until(pilot, lambda: table.selected_order == missing[0].order_id, within=10)
