"""Orders and errors per hour over the last 24 hours, as two sparklines.

WHY per hour over a day: a shop's rhythm is daily; a flat orders line at
noon or an error spike after the nightly reconcile is visible at a glance.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline

from engine.runtime.views import Activity

__all__ = ["ActivityChart"]


class ActivityChart(Horizontal):
    def __init__(self) -> None:
        super().__init__(id="activity")
        self.border_title = "Last 24 hours"

    def compose(self) -> ComposeResult:
        with Vertical(classes="activity-half"):
            yield Label("Orders / hour", id="orders-label")
            yield Sparkline([0] * 24, id="orders-line")
        with Vertical(classes="activity-half"):
            yield Label("Errors / hour", id="errors-label")
            yield Sparkline([0] * 24, id="errors-line")

    def show(self, activity: Activity) -> None:
        for name, series in (("orders", activity.orders), ("errors", activity.errors)):
            title = name.capitalize()
            self.query_one(f"#{name}-label", Label).update(
                f"{title} / hour — {sum(series)} in 24 h, peak {max(series, default=0)}"
            )
            self.query_one(f"#{name}-line", Sparkline).data = list(series)
