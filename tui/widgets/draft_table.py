"""Orders the back office keeps as drafts because stock was short, one row each.

What the admin needs before pressing "finalise": the order, when it was
booked, its total, and what is short now (a SKU with how many are in stock
against how many were ordered) or that the stock is back.  The table never
reads the engine; the Orders screen fills it (see ``tui.screens.orders_drafts``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from engine.runtime.views_drafts import DraftSale
from tui.widgets.table_fit import fit_column

__all__ = ["DraftTable"]


class DraftTable(DataTable[Text | str]):
    def __init__(self) -> None:
        super().__init__(cursor_type="row", id="draft-table")
        self._drafts: dict[str, DraftSale] = {}
        self.border_title = "Drafts kept for short stock"
        self.border_subtitle = "f finalises the selected · F all whose stock is back"

    def on_mount(self) -> None:
        for label, width in (("order", 8), ("booked", 16), ("total", 10)):
            self.add_column(label, width=width, key=label)
        self.add_column("why", key="why")

    def on_resize(self, event: events.Resize) -> None:
        fit_column(self, "why", minimum=12)

    def show(self, drafts: Sequence[DraftSale]) -> None:
        """Replace the rows, keeping the cursor on the same draft when it is still listed."""
        keep = self.selected
        self.clear()
        for draft in drafts:
            self.add_row(
                f"#{draft.number}",
                draft.date[:16],
                Text(draft.total, justify="right"),
                Text(draft.detail, style="green" if draft.stock_back else "yellow"),
                key=draft.id,
            )
        if keep is not None and keep.id in self.rows:
            self.move_cursor(row=self.get_row_index(keep.id), animate=False)
        self._drafts = {d.id: d for d in drafts}

    @property
    def selected(self) -> DraftSale | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self._drafts.get(key or "")
