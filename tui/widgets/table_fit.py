"""Give a DataTable's last, free-text column the width the others leave.

WHY: a wide message column makes the whole table scroll sideways, which
over SSH at 80 columns hides the column the admin came for.  Long text is
cut at the edge instead; the detail pane shows it whole.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

__all__ = ["fit_column"]


def fit_column(table: DataTable[Any], key: str, minimum: int = 12) -> None:
    """Call from the table's ``on_resize``."""
    fixed = sum(
        column.get_render_width(table) for k, column in table.columns.items() if k.value != key
    )
    column = table.columns.get(ColumnKey(key))
    if column is None:
        return
    padding = 2 * table.cell_padding
    column.auto_width = False
    column.width = max(minimum, table.scrollable_content_region.width - fixed - padding - 1)
    table._require_update_dimensions = True  # DataTable re-measures on the next refresh
    table.refresh()
