"""The log lines: a virtualised DataTable that keeps at most ``cap`` rows.

WHY a cap: the engine may log for weeks; the table shows the newest lines
and drops the oldest as new ones arrive, while the store keeps 100,000 for
paging (older lines are a filter away).
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from engine.runtime import StoredEvent
from tui.widgets.table_fit import fit_column

__all__ = ["LogTable"]

_LEVEL_STYLE = {
    "debug": "dim",
    "info": "",
    "warning": "yellow",
    "error": "bold red",
    "critical": "bold white on red",
}


class LogTable(DataTable[Text | str]):
    class Moved(Message):
        """The admin moved the cursor; ``at_end`` says whether it rests on the last line."""

        def __init__(self, at_end: bool) -> None:
            super().__init__()
            self.at_end = at_end

    def __init__(self, tz: ZoneInfo, cap: int = 5_000) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id="log-table")
        self.tz = tz
        self.cap = cap
        self.events: dict[str, StoredEvent] = {}
        self.newest_id = 0

    def on_mount(self) -> None:
        self.add_column("time", width=8, key="time")
        self.add_column("level", width=7, key="level")
        self.add_column("job", width=9, key="job")
        self.add_column("entity", width=14, key="entity")
        self.add_column("message", key="message")

    def on_resize(self, event: events.Resize) -> None:
        fit_column(self, "message", grow={"entity": (14, 36)})

    def _moved(self) -> None:
        self.post_message(self.Moved(self.cursor_row >= self.row_count - 1))

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._moved()

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._moved()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._moved()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._moved()

    def action_scroll_home(self) -> None:
        super().action_scroll_home()
        self._moved()

    def action_scroll_end(self) -> None:
        super().action_scroll_end()
        self._moved()

    def replace(self, events: Iterable[StoredEvent]) -> None:
        """Show these events (oldest first) instead of what is there."""
        self.clear()
        self.events.clear()
        self.newest_id = 0
        self.append(events)

    def append(self, events: Iterable[StoredEvent]) -> int:
        """Add newer events (oldest first) at the bottom; returns how many were new."""
        added = 0
        for event in events:
            if event.id <= self.newest_id:
                continue
            key = str(event.id)
            self.events[key] = event
            self.add_row(*self._cells(event), key=key)
            self.newest_id = event.id
            added += 1
        self._trim()
        return added

    def _trim(self) -> None:
        excess = len(self.events) - self.cap
        for key in list(self.events)[: max(0, excess)]:
            del self.events[key]
            self.remove_row(key)

    def _cells(self, event: StoredEvent) -> tuple[Text | str, ...]:
        style = _LEVEL_STYLE.get(event.level, "")
        return (
            event.at.astimezone(self.tz).strftime("%H:%M:%S"),
            Text(event.level, style=style),
            event.job,
            event.entity,
            Text(event.message, style=style if event.level != "info" else ""),
        )

    def highlighted_event(self) -> StoredEvent | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.events.get(key or "")
