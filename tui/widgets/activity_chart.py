"""Orders and errors per hour over the last 24 hours, as two sparklines.

WHY per hour over a day: a shop's rhythm is daily; a flat orders line at
noon or an error spike after the nightly reconcile is visible at a glance.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Sparkline

from engine.runtime.views import Activity

__all__ = ["ActivityChart"]


class ActivityChart(Vertical):
    def __init__(self) -> None:
        super().__init__(id="activity")
        self.border_title = "Last 24 h, per hour"

    def compose(self) -> ComposeResult:
        yield Label("Orders", id="orders-label")
        yield Sparkline([0] * 24, id="orders-line")
        yield Label("Errors", id="errors-label")
        yield Sparkline([0] * 24, id="errors-line")

    def show(self, activity: Activity) -> None:
        for name, series in (("orders", activity.orders), ("errors", activity.errors)):
            peak = max(series, default=0)
            self.query_one(f"#{name}-label", Label).update(
                f"{name.capitalize()} {sum(series)}  (peak {peak}/h)"
            )
            self.query_one(f"#{name}-line", Sparkline).data = list(series)
