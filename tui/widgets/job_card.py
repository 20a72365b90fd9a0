"""One job on the dashboard: state, last run, next run, counts, live progress.

The card is focusable; ``r`` (or Enter) asks the screen to run the job now
through :class:`JobCard.RunNowRequested` — the card never calls the engine.
Live progress comes from engine events the screen hands over with
:meth:`JobCard.show_progress`; everything else from the read model.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from engine.runtime import JobProgress
from engine.runtime.views import JobCardView
from tui.widgets.when import ago, duration, until

__all__ = ["JobCard"]

_STATE_STYLE = {
    "running": "bold $accent",
    "queued": "bold $accent",
    "failed": "bold $error",
    "ok": "$success",
    "off": "$text-muted",
    "never run": "$text-muted",
}
_STATE_MARK = {"running": "▶", "queued": "…", "failed": "✗", "ok": "✓", "off": "○"}


class JobCard(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run_now", "Run now"),
        Binding("enter", "run_now", "Run now", show=False),
    ]

    class RunNowRequested(Message):
        def __init__(self, job: str) -> None:
            super().__init__()
            self.job = job

    def __init__(self, view: JobCardView, now: datetime) -> None:
        super().__init__(id=f"job-{view.job}", classes="job-card")
        self.view = view
        self.now = now
        self._progress: JobProgress | None = None

    @property
    def job(self) -> str:
        return self.view.job

    def compose(self) -> ComposeResult:
        yield Static(id="job-body")
        yield ProgressBar(show_eta=False, id="job-progress")

    def on_mount(self) -> None:
        self._paint()

    def update_view(self, view: JobCardView, now: datetime) -> None:
        self.view, self.now = view, now
        if view.state != "running":
            self._progress = None
        self._paint()

    def show_started(self) -> None:
        self.view = JobCardView(**{**self.view.__dict__, "state": "running"})
        self._paint()

    def show_progress(self, event: JobProgress) -> None:
        self._progress = event
        if self.view.state != "running":
            self.show_started()
            return
        self._paint()

    def _paint(self) -> None:
        state = self.view.state
        mark = _STATE_MARK.get(state, "●")
        self.border_title = self.view.job
        self.border_subtitle = self.view.schedule
        self.set_class(state == "running", "-running")
        self.set_class(state == "failed", "-failed")
        self.query_one("#job-body", Static).update(self._body(f"{mark} {state}"))
        self._paint_progress()

    def _body(self, state: str) -> Content:
        """Short lines that fit an 18-column card at 80×24; the progress bar is the 4th
        while the job runs."""
        view, run = self.view, self.view.last_run
        parts: list[str | tuple[str, str]] = [(state, _STATE_STYLE.get(view.state, ""))]
        if view.state == "running":
            return Content.assemble(*parts, *self._running_lines())
        if run is not None and run.finished_at is not None:
            took = (run.finished_at - run.started_at).total_seconds()
            parts.append(f"\n{ago(run.finished_at, self.now)}, {duration(took)}")
        else:
            parts.append("\n")
        if view.state == "off":
            parts.append("\nruns when started by hand")
        else:
            parts.append(f"\nnext {until(view.next_fire, self.now)}")
        error = view.last_error or (run.error if run is not None and run.ok is False else "")
        if error:
            parts.append((f"\n{error}", "$error"))
        elif view.note:
            parts.append((f"\n{view.note}", "" if view.note.startswith("0 ") else "$warning"))
        elif run is not None:
            c = run.counts
            parts.append(f"\nr {c.read} w {c.written} ")
            parts.append((f"f {c.failed} s {c.skipped}", "$warning" if c.failed else ""))
        return Content.assemble(*parts)

    def _running_lines(self) -> list[str | tuple[str, str]]:
        event, run = self._progress, self.view.last_run
        started = f"\nstarted {ago(run.started_at, self.now)}" if run and run.running else "\n"
        if event is None:
            return [started, "\nreading…"]
        total = f"/{_count(event.total)}" if event.total else ""
        counts = f"\n{_count(event.done)}{total} · w {_count(event.written)}"
        return [started, counts, ("" if not event.failed else f" f {event.failed}", "$error")]

    def _paint_progress(self) -> None:
        bar = self.query_one("#job-progress", ProgressBar)
        running = self.view.state == "running"
        bar.display = running
        event = self._progress
        if running and event is not None:
            bar.update(total=event.total, progress=event.done)
        elif running:
            bar.update(total=None)

    def action_run_now(self) -> None:
        self.post_message(self.RunNowRequested(self.view.job))


def _count(n: int) -> str:
    """4,812 or 12.3k: a card has 18 columns."""
    if n < 10_000:
        return f"{n:,}"
    return f"{n / 1000:.1f}k".replace(".0k", "k")
