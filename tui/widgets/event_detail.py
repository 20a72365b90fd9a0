"""One event with every structured field, for the log pane's detail view.

The data fields were masked by the store before they were written (secret
looking keys become ``***``), so showing them whole is safe.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from textual.content import Content
from textual.widgets import Static

from engine.runtime import StoredEvent

__all__ = ["EventDetail"]


class EventDetail(Static):
    def __init__(self) -> None:
        super().__init__(id="event-detail")
        self.border_title = "Event"

    def show(self, event: StoredEvent | None, tz: ZoneInfo) -> None:
        if event is None:
            self.update(Content.styled("No event selected.", "$text-muted"))
            return
        stamp = event.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")
        head = Content.assemble(
            (f"{event.type}", "bold"),
            f"  #{event.id}  {stamp}  level {event.level}",
            f"  job {event.job or '–'}  connection {event.connection or '–'}",
        )
        body = [head, Content(event.message)]
        if event.entity:
            body.append(Content.assemble(("entity ", "$text-muted"), event.entity))
        if event.data:
            body.append(Content(json.dumps(dict(event.data), indent=2, ensure_ascii=False)))
        self.update(Content("\n").join(body))
