"""The log pane's filters: level, job, and text (matches message or entity).

Posts :class:`LogFilterBar.Changed` with a ready :class:`LogQuery`; the
screen decides when to query.  Text changes are debounced so typing a SKU
doesn't run a query per keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Select

from engine.runtime.views import LogQuery

__all__ = ["LEVELS", "LogFilterBar"]

LEVELS = ("debug", "info", "warning", "error")


class LogFilterBar(Horizontal):
    class Changed(Message):
        def __init__(self, query: LogQuery) -> None:
            super().__init__()
            self.query = query

    def __init__(self, jobs: Sequence[str]) -> None:
        super().__init__(id="log-filter")
        self._jobs = tuple(jobs)
        self._typing: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Select(
            [(f"{level} and up", level) for level in LEVELS],
            value="info",
            allow_blank=False,
            compact=True,
            id="log-level",
        )
        yield Select(
            [(job, job) for job in self._jobs], prompt="all jobs", compact=True, id="log-job"
        )
        yield Input(placeholder="/ text, SKU or order…", compact=True, id="log-text")

    @property
    def query(self) -> LogQuery:
        level = self.query_one("#log-level", Select).value
        job = self.query_one("#log-job", Select).value
        text = self.query_one("#log-text", Input).value.strip()
        return LogQuery(
            min_level=level if isinstance(level, str) else None,
            job=job if isinstance(job, str) else None,
            text=text or None,
        )

    def cycle_level(self) -> None:
        select = self.query_one("#log-level", Select)
        current = select.value if isinstance(select.value, str) else "info"
        select.value = LEVELS[(LEVELS.index(current) + 1) % len(LEVELS)]

    def clear(self) -> None:
        self.query_one("#log-level", Select).value = "info"
        self.query_one("#log-job", Select).clear()
        self.query_one("#log-text", Input).value = ""

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.query))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(0.3, lambda: self.post_message(self.Changed(self.query)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()
