"""Can orders flow right now?  Reachability of both sides, outbox, webhooks.

WHY one panel: these answer the same question for the admin, and each
number links to where to act (failed/held → Orders, a red side → Settings'
connection test).
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from engine.runtime import OutboxState
from engine.runtime.views import OutboxHealth, Probe, Reachability
from tui.widgets.when import ago, span

__all__ = ["HealthPanel"]

Part = str | tuple[str, str]


def _probe(name: str, probe: Probe | None) -> list[Part]:
    if probe is None:
        return [f"{name} ", ("… checking", "$text-muted")]
    if probe.ok:
        took = f" {probe.millis} ms" if probe.millis is not None else ""
        return [f"{name} ", (f"✓ reachable{took}", "$success")]
    return [f"{name} ", (f"✗ {probe.message}", "bold $error")]


def _outbox(health: OutboxHealth, now: datetime) -> list[Part]:
    counts = health.counts
    parts: list[Part] = ["Outbox ", (f"{health.depth} waiting", "bold")]
    if health.oldest_waiting is not None:
        parts.append(f", oldest {span(health.oldest_waiting)}")
    for state, style in ((OutboxState.FAILED, "bold $error"), (OutboxState.HELD, "$warning")):
        if counts.get(state):
            parts += [" · ", (f"{counts[state]} {state.value}", style)]
    parts.append(f" · {counts.get(OutboxState.DONE, 0)} done")
    return parts


def _webhooks(health: OutboxHealth, now: datetime) -> list[Part]:
    if not health.webhooks_configured:
        return ["Webhooks ", ("off (polling only)", "$text-muted")]
    return ["Webhooks ", f"last delivery {ago(health.last_webhook_at, now)}"]


class HealthPanel(Static):
    """Two or three lines; repainted whenever the screen reloads or probes."""

    def __init__(self) -> None:
        super().__init__(id="health")
        self._health: OutboxHealth | None = None
        self._reach: Reachability | None = None
        self._backoffice = "Back office"
        self._now: datetime | None = None

    def show_outbox(self, health: OutboxHealth, backoffice: str, now: datetime) -> None:
        self._health, self._backoffice, self._now = health, backoffice, now
        self._paint()

    def show_reachability(self, reach: Reachability) -> None:
        self._reach = reach
        self._paint()

    def _paint(self) -> None:
        reach = self._reach
        parts: list[Part] = [
            *_probe(self._backoffice, reach.backoffice if reach else None),
            "   ",
            *_probe("WooCommerce", reach.woo if reach else None),
        ]
        if self._health is not None and self._now is not None:
            parts += ["\n", *_outbox(self._health, self._now)]
            parts += ["\n", *_webhooks(self._health, self._now)]
        self.update(Content.assemble(*parts))
