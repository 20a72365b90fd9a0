"""Logs: a live tail of the engine's event journal, filterable, with details.

The journal (the store's events table) is the source, not the bus: it has
ids to page by, the masked data fields, and what happened before the
console opened.  An engine event only tells the screen to fetch what is
new (debounced), so a burst of thousands of events costs a few queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input

from engine.runtime import EngineEvent, event_jobs
from engine.runtime.views import LogQuery, log_page
from tui.screens.console import ConsoleScreen
from tui.widgets.event_detail import EventDetail
from tui.widgets.log_filter import LogFilterBar
from tui.widgets.log_table import LogTable

__all__ = ["LogsScreen"]


class LogsScreen(ConsoleScreen):
    MODE = "logs"
    RELOAD_ON = (EngineEvent,)
    RELOAD_DEBOUNCE = 0.7
    PAGE: ClassVar[int] = 500
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "find", "Filter"),
        Binding("v", "level", "Level"),
        Binding("f", "follow", "Follow"),
        Binding("d", "toggle_detail", "Detail"),
        Binding("x", "clear", "Clear filters"),
        Binding("escape", "focus_table", "Table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.follow = True
        self._query = LogQuery(min_level="info")

    def compose_body(self) -> Iterable[Widget]:
        tz = self.engine.config.tz
        with Vertical(id="logs-body"):
            yield LogFilterBar(event_jobs())
            yield LogTable(tz)
            yield EventDetail()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(LogTable).focus()
        self._set_follow(True)

    def reload(self) -> None:
        self._tail()

    @work(exclusive=True, group="logs-load")
    async def _load_page(self) -> None:
        """Replace the table with the newest page matching the filters."""
        page = LogQuery(**{**self._query.__dict__, "after_id": None, "limit": self.PAGE})
        events = await self.call(log_page(self.engine, self.connection, page))
        table = self.query_one(LogTable)
        table.replace(reversed(events))
        self._after_append(len(events))

    @work(exclusive=True, group="logs-tail")
    async def _tail(self) -> None:
        """Append what is newer than the last row shown."""
        table = self.query_one(LogTable)
        if table.newest_id == 0:
            self._load_page()
            return
        newer = LogQuery(**{**self._query.__dict__, "after_id": table.newest_id})
        events = await self.call(log_page(self.engine, self.connection, newer))
        self._after_append(table.append(reversed(events)))

    def _after_append(self, added: int) -> None:
        if self.follow:
            self.call_after_refresh(self._to_newest)
        self._show_detail()

    def _to_newest(self) -> None:
        """After the new rows are laid out, so the scroll reaches them."""
        table = self.query_one(LogTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)
            table.scroll_end(animate=False)

    def on_log_filter_bar_changed(self, message: LogFilterBar.Changed) -> None:
        self._query = message.query
        self._load_page()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_log_table_moved(self, message: LogTable.Moved) -> None:
        if message.at_end != self.follow:
            self._set_follow(message.at_end)

    def _show_detail(self) -> None:
        detail = self.query_one(EventDetail)
        if detail.display:
            detail.show(self.query_one(LogTable).highlighted_event(), self.engine.config.tz)

    def _set_follow(self, on: bool) -> None:
        self.follow = on
        table = self.query_one(LogTable)
        table.border_title = "Live tail — following" if on else "Live tail — paused (f follows)"
        if on:
            self.call_after_refresh(self._to_newest)

    def action_find(self) -> None:
        self.query_one("#log-text", Input).focus()

    def action_level(self) -> None:
        self.query_one(LogFilterBar).cycle_level()

    def action_follow(self) -> None:
        self._set_follow(not self.follow)

    def action_toggle_detail(self) -> None:
        detail = self.query_one(EventDetail)
        detail.display = not detail.display
        self._show_detail()

    def action_clear(self) -> None:
        self.query_one(LogFilterBar).clear()

    def action_focus_table(self) -> None:
        self.query_one(LogTable).focus()
