"""Products as a table: SKU, name, both ids, and why (for skipped ones)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.widgets import DataTable

from engine.runtime.views import ProductRow
from tui.widgets.table_fit import fit_column

__all__ = ["ProductTable"]


class ProductTable(DataTable[str]):
    def __init__(self) -> None:
        super().__init__(cursor_type="row", id="product-table")
        self.rows_shown: list[ProductRow] = []

    def on_mount(self) -> None:
        for label, width in (
            ("SKU", 12),
            ("name", 16),
            ("back office", 10),
            ("Woo id", 7),
            ("kind", 8),
        ):
            self.add_column(label, width=width, key=label)
        self.add_column("detail", key="detail")

    def on_resize(self, event: events.Resize) -> None:
        fit_column(self, "detail", minimum=10, grow={"SKU": (12, 24), "name": (16, 60)})

    def show(self, rows: Sequence[ProductRow]) -> None:
        self.clear()
        self.rows_shown = list(rows)
        for index, row in enumerate(rows):
            woo = str(row.woo_id) if row.woo_id is not None else "–"
            cells = (row.sku or "–", row.name, row.backoffice_id or "–", woo, row.kind, row.detail)
            self.add_row(*cells, key=str(index))

    @property
    def selected(self) -> ProductRow | None:
        if not self.row_count or self.cursor_row >= len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]
