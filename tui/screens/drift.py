"""The Drift view: what the last reconcile found, a table per kind.

Pushed from the dashboard (``d``).  The summary line first ("2026-12-02:
3 differences (+1 rounding)"), then one table per kind of difference with
its likely cause and what was done; rounding differences come last, apart.
``enter`` on a row jumps to the order (Orders) or the product (Products).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from engine.runtime.views_reconcile import Drift, DriftKind, DriftReport, drift_report
from tui.screens.console import ConsoleScreen

__all__ = ["DriftScreen"]

TITLES = {
    DriftKind.MISSING_SALE: "Web orders without a sale",
    DriftKind.DOUBLE_SALE: "Booked more than once",
    DriftKind.TOTAL: "Totals differ",
    DriftKind.TAX: "Tax differs",
    DriftKind.PAYMENT: "Payment method differs",
    DriftKind.MISSING_VOID: "Cancelled, not voided",
    DriftKind.NO_WEB_ORDER: "Sales without a web order",
    DriftKind.PRODUCT_MISSING: "Products missing in the shop",
    DriftKind.PRICE: "Prices differ",
    DriftKind.STOCK: "Stock differs",
    DriftKind.SET_ASIDE: "Set aside",
}
COLUMNS = ("subject", "shop", "back office", "cause", "action")


class DriftScreen(ConsoleScreen):
    DEFAULT_CSS = """
    #drift-summary { padding: 0 1; }
    .drift-title { text-style: bold; padding: 0 1; margin-top: 1; }
    DriftScreen DataTable { height: auto; max-height: 12; }
    """
    MODE = "dashboard"  # reached from the dashboard; its key stays lit
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, list[Drift]] = {}

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="drift-body"):
            yield Static("Reading the last report…", id="drift-summary")

    def reload(self) -> None:
        self._load()

    @work(exclusive=True, group="drift-load")
    async def _load(self) -> None:
        report = await self.call(drift_report(self.engine, self.connection))
        await self._show(report)

    async def _show(self, report: DriftReport | None) -> None:
        body = self.query_one("#drift-body", VerticalScroll)
        await body.query(".drift-part").remove()
        summary = self.query_one("#drift-summary", Static)
        if report is None:
            summary.update("No reconcile has run yet: tillsync reconcile, or wait for tonight's.")
            return
        summary.update(_summary(report))
        groups = [(TITLES[kind], [d for d in report.real if d.kind is kind]) for kind in DriftKind]
        groups.append(("Rounding (not counted)", list(report.rounding)))
        self._rows = {}
        for n, (title, drifts) in enumerate(g for g in groups if g[1]):
            table = DataTable(id=f"drift-{n}", classes="drift-part", cursor_type="row")
            table.add_columns(*COLUMNS)
            for d in drifts:
                table.add_row(d.subject, d.shop, d.backoffice, d.cause, d.action)
            self._rows[table.id or ""] = drifts
            await body.mount(Static(f"{title} ({len(drifts)})", classes="drift-part drift-title"))
            await body.mount(table)
        first = body.query(DataTable)
        if first:
            first.first().focus()

    async def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """``enter`` on a row: the order in Orders, or the product in Products."""
        drifts = self._rows.get(event.data_table.id or "")
        if not drifts:
            return
        drift = drifts[event.cursor_row]
        if drift.order_id is not None:
            await self.console.go_to_order(drift.order_id)
        elif drift.kind in (DriftKind.PRICE, DriftKind.STOCK, DriftKind.SET_ASIDE):
            await self.console.switch_mode("products")
            screen = self.console.screen
            if hasattr(screen, "show_sku"):
                screen.show_sku(drift.subject)


def _summary(report: DriftReport) -> str:
    counts = ", ".join(f"{TITLES[DriftKind(k)].lower()} {n}" for k, n in report.counts().items())
    lines = [f"Reconcile {report.summary}", counts or "both sides agree"]
    lines.append(f"{report.orders_read} web orders, {report.sales_read} back-office sales read")
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)
