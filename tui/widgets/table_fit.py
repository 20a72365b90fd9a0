"""Give a DataTable's last, free-text column the width the others leave.

WHY: a wide message column makes the whole table scroll sideways, which
over SSH at 80 columns hides the column the admin came for.  Long text is
cut at the edge instead; the detail pane shows it whole.  On a wide
terminal the named ``grow`` columns (names, customers) widen too, up to a
cap, so a 200-column screen doesn't cut a name at 12 characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

__all__ = ["fit_column"]

FREE_SHARE = 0.6  # of the room beyond the base widths, what the free-text column keeps


def fit_column(
    table: DataTable[Any], key: str, minimum: int = 12, grow: Mapping[str, tuple[int, int]] = {}
) -> None:
    """Call from the table's ``on_resize``; ``grow`` maps a column to (base, max) width."""
    column = table.columns.get(ColumnKey(key))
    if column is None:
        return
    padding = 2 * table.cell_padding
    available = table.scrollable_content_region.width - padding - 1
    _grow(table, grow, spare=available - _fixed(table, key) - minimum)
    column.auto_width = False
    column.width = max(minimum, available - _fixed(table, key))
    table._require_update_dimensions = True  # DataTable re-measures on the next refresh
    table.refresh()


def _fixed(table: DataTable[Any], key: str) -> int:
    return sum(c.get_render_width(table) for k, c in table.columns.items() if k.value != key)


def _grow(table: DataTable[Any], grow: Mapping[str, tuple[int, int]], spare: int) -> None:
    """Back to the base widths, then share part of the spare room out, each up to its cap."""
    for name, (base, _) in grow.items():
        if (column := table.columns.get(ColumnKey(name))) is not None:
            spare += column.width - base
            column.width = base
    share = int(max(0, spare) * (1 - FREE_SHARE)) // max(1, len(grow))
    for name, (base, cap) in grow.items():
        if (column := table.columns.get(ColumnKey(name))) is not None:
            column.width = min(cap, base + share)
