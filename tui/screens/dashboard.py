"""The dashboard: every job, whether orders flow, and the day's rhythm.

Reads :func:`engine.runtime.views.dashboard` when shown, every few seconds,
and (debounced) when a job finishes or an order changes state; job progress
bars move with the live events in between.  Reachability is probed in its
own worker once a minute, so a slow remote never stalls the screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widget import Widget

from engine.runtime import JobFinished, JobProgress, JobStarted, OrderStateChanged
from engine.runtime.views import DashboardView, dashboard, reachability
from tui.screens.console import ConsoleScreen
from tui.screens.drift import DriftScreen
from tui.widgets.activity_chart import ActivityChart
from tui.widgets.health_panel import HealthPanel
from tui.widgets.job_card import JobCard
from tui.widgets.problem_list import ProblemList

__all__ = ["DashboardScreen"]


class DashboardScreen(ConsoleScreen):
    MODE = "dashboard"
    RELOAD_EVERY = 5.0
    RELOAD_ON = (JobFinished, OrderStateChanged, JobStarted)
    PROBE_EVERY: ClassVar[float] = 60.0
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "check", "Check connections"),
        Binding("d", "drift", "Drift", show=False),
        Binding("left,h", "app.focus_previous", "Previous", show=False),
        Binding("right,l", "app.focus_next", "Next", show=False),
    ]

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="dashboard-body"):
            yield HealthPanel()
            yield Grid(id="job-grid")
            with Horizontal(id="dashboard-bottom"):
                yield ActivityChart()
                yield ProblemList()

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(self.PROBE_EVERY, self._probe_if_current)
        self.probe()

    def reload(self) -> None:
        self._load()

    @work(exclusive=True, group="dashboard-load")
    async def _load(self) -> None:
        now = self.now()
        view = await self.call(dashboard(self.engine, self.connection, now=now))
        await self._show(view)

    async def _show(self, view: DashboardView) -> None:
        now = self.now()
        self.query_one(HealthPanel).show_outbox(view.outbox, view.backoffice, now)
        self.query_one(ActivityChart).show(view.activity)
        self.query_one(ProblemList).show(view.problems, now, self.engine.config.tz)
        grid = self.query_one("#job-grid", Grid)
        cards = {card.job: card for card in grid.query(JobCard)}
        if list(cards) != [job.job for job in view.jobs]:
            await grid.remove_children()
            await grid.mount_all(JobCard(job, now) for job in view.jobs)
            if view.jobs and not isinstance(self.focused, JobCard):
                grid.query(JobCard).first().focus()
            return
        for job in view.jobs:
            cards[job.job].update_view(job, now)

    def _probe_if_current(self) -> None:
        if self.is_current:
            self.probe()

    @work(exclusive=True, group="dashboard-probe")
    async def probe(self) -> None:
        """*Network*, in its own worker: both sides' reachability."""
        result = await self.call(reachability(self.engine, self.connection))
        self.query_one(HealthPanel).show_reachability(result)

    def action_drift(self) -> None:
        """The last reconcile's differences (the Drift view)."""
        self.app.push_screen(DriftScreen())

    def action_check(self) -> None:
        self.notify("Checking both connections…")
        self.probe()

    def on_engine_event(self, event: object) -> None:
        if not isinstance(event, JobStarted | JobProgress):
            return
        if event.connection != self.connection:
            return
        for card in self.query(JobCard):
            if card.job == event.job:
                if isinstance(event, JobProgress):
                    card.show_progress(event)
                else:
                    card.show_started()

    async def on_problem_list_order_chosen(self, message: ProblemList.OrderChosen) -> None:
        await self.console.go_to_order(message.woo_order_id)

    def on_job_card_run_now_requested(self, message: JobCard.RunNowRequested) -> None:
        self.console.run_now(message.job)
