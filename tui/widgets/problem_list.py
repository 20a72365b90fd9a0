"""The newest warnings and errors, so the dashboard says what needs a look.

WHY on the dashboard: a red count says *that* something is wrong; the last
few messages say *what*, and ``2`` (Logs) has the rest with filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from engine.runtime import StoredEvent

__all__ = ["ProblemList"]

_MARK = {
    "warning": ("!", "bold $warning"),
    "error": ("✗", "bold $error"),
    "critical": ("✗", "bold $error"),
}


class ProblemList(VerticalScroll):
    def __init__(self) -> None:
        super().__init__(id="problems")
        self.border_title = "Needs a look"

    def compose(self) -> ComposeResult:
        yield Static(id="problem-lines")

    def update(self, content: Content) -> None:
        self.query_one("#problem-lines", Static).update(content)

    def show(self, events: Sequence[StoredEvent], now: datetime, tz: ZoneInfo) -> None:
        if not events:
            self.update(Content.styled("Nothing to worry about.", "$success"))
            return
        lines = []
        for event in events:
            mark, style = _MARK.get(event.level, ("·", ""))
            lines.append(
                Content.assemble(
                    (f"{event.at.astimezone(tz):%H:%M} ", "$text-muted"),
                    (f"{mark} ", style),
                    (f"{event.job or event.type}: ", "bold"),
                    event.message,
                )
            )
        self.update(Content("\n").join(lines))
