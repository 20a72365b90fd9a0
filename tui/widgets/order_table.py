"""The outbox as a table: one row per WooCommerce order, newest change first.

Posts :class:`OrderTable.OrderSelected` when the highlighted order changes,
so the screen can load its detail in a worker (the table never reads the
engine itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from engine.runtime import OutboxState
from engine.runtime.views import OrderRow
from tui.widgets.table_fit import fit_column
from tui.widgets.when import ago

__all__ = ["STATE_STYLE", "OrderTable"]

STATE_STYLE = {
    OutboxState.FAILED: "bold red",
    OutboxState.HELD: "yellow",
    OutboxState.WAITING: "cyan",
    OutboxState.IN_FLIGHT: "cyan",
    OutboxState.DONE: "green",
    OutboxState.VOIDING: "magenta",
    OutboxState.VOIDED: "magenta",
    OutboxState.SKIPPED: "dim",
}


class OrderTable(DataTable[Text | str]):
    class OrderSelected(Message):
        def __init__(self, woo_order_id: int | None) -> None:
            super().__init__()
            self.woo_order_id = woo_order_id

    def __init__(self) -> None:
        super().__init__(cursor_type="row", id="order-table")
        self.border_title = "Orders"

    def on_mount(self) -> None:
        widths = (
            ("order", 6),
            ("state", 8),
            ("customer", 12),
            ("total", 10),
            ("payment", 11),
            ("changed", 6),
        )
        for label, width in widths:
            self.add_column(label, width=width, key=label)
        self.add_column("last error / receipt", key="summary")

    def on_resize(self, event: events.Resize) -> None:
        fit_column(self, "summary", minimum=8, grow={"customer": (12, 40), "payment": (11, 24)})

    def show(self, rows: Sequence[OrderRow], now: datetime) -> None:
        """Replace the rows, keeping the cursor on the same order when it is still listed."""
        keep = self.selected_order
        self.clear()
        for row in rows:
            style = STATE_STYLE.get(row.state, "")
            self.add_row(
                f"#{row.woo_order_id}",
                Text(row.state.value, style=style),
                row.customer,
                Text(row.total, justify="right"),
                row.payment,
                ago(row.updated_at, now).removesuffix(" ago"),
                Text(row.summary, style="red" if row.state is OutboxState.FAILED else ""),
                key=str(row.woo_order_id),
            )
        if keep is not None and str(keep) in self.rows:
            self.move_cursor(row=self.get_row_index(str(keep)), animate=False)

    def select_order(self, woo_order_id: int) -> bool:
        """Put the cursor on one order; False when it isn't listed."""
        if str(woo_order_id) not in self.rows:
            return False
        self.move_cursor(row=self.get_row_index(str(woo_order_id)), animate=False)
        return True

    @property
    def selected_order(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.OrderSelected(self.selected_order))
