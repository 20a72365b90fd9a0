"""Each job's schedule as an input, checked as you type, with its next 5 runs.

The widget never parses schedules itself: the screen hands it a
``preview`` function (the engine's parser), and an invalid expression marks
the input red and says why, before anything can be saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from engine.runtime.views import SchedulePreview

__all__ = ["ScheduleEditor"]

Preview = Callable[[str], SchedulePreview]


class _ScheduleValidator(Validator):
    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self._preview = preview

    def validate(self, value: str) -> ValidationResult:
        result = self._preview(value)
        return self.success() if result.ok else self.failure(result.error)


def _fires(fires: tuple[datetime, ...], now: datetime, tz: ZoneInfo) -> str:
    today = now.astimezone(tz).date()
    shown = [
        f"{f.astimezone(tz):%H:%M}"
        if f.astimezone(tz).date() == today
        else f"{f.astimezone(tz):%a %d %H:%M}"
        for f in fires
    ]
    return "next: " + ", ".join(shown)


class ScheduleEditor(Vertical):
    """``clock`` is read again every ``REFRESH_EVERY`` seconds: next runs move with time."""

    REFRESH_EVERY: ClassVar[float] = 30.0

    def __init__(
        self,
        schedules: Mapping[str, str],
        preview: Preview,
        clock: Callable[[], datetime],
        tz: ZoneInfo,
    ) -> None:
        super().__init__(id="schedule-editor")
        self.original = dict(schedules)
        self._preview = preview
        self._clock = clock
        self._tz = tz

    def compose(self) -> ComposeResult:
        for job, text in self.original.items():
            with Horizontal(classes="schedule-row"):
                yield Label(job, classes="schedule-job")
                yield Input(
                    text,
                    id=f"schedule-{job}",
                    compact=True,
                    validators=[_ScheduleValidator(self._preview)],
                    valid_empty=False,
                )
            yield Static(id=f"preview-{job}", classes="schedule-preview")

    def on_mount(self) -> None:
        self.refresh_previews()
        self.set_interval(self.REFRESH_EVERY, self.refresh_previews)

    def refresh_previews(self) -> None:
        for job, text in self.values().items():
            self._show(job, text)

    def on_input_changed(self, event: Input.Changed) -> None:
        job = (event.input.id or "").removeprefix("schedule-")
        if job in self.original:
            self._show(job, event.value)

    def _show(self, job: str, text: str) -> None:
        result = self._preview(text)
        preview = self.query_one(f"#preview-{job}", Static)
        if result.ok:
            body = _fires(result.fires, self._clock(), self._tz) if result.fires else result.error
            preview.update(Content.styled(body or "never runs on its own", "$text-muted"))
        else:
            preview.update(Content.styled(f"✗ {result.error}", "$error"))
        preview.set_class(not result.ok, "-invalid")

    def values(self) -> dict[str, str]:
        return {job: self.query_one(f"#schedule-{job}", Input).value for job in self.original}

    def changed(self) -> dict[str, str]:
        return {job: text for job, text in self.values().items() if text != self.original[job]}

    def invalid(self) -> list[str]:
        return [job for job, text in self.values().items() if not self._preview(text).ok]
