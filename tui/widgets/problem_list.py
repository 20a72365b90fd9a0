"""The newest warnings and errors, so the dashboard says what needs a look.

WHY on the dashboard: a red count says *that* something is wrong; the last
few messages say *what*, and ``2`` (Logs) has the rest with filters.  An
entry about an order is selectable: Enter opens that order in Orders, where
it can be retried or fixed (the read model drops it once it is resolved).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine.runtime import StoredEvent

__all__ = ["ProblemList"]

_MARK = {
    "warning": ("!", "bold $warning"),
    "error": ("✗", "bold $error"),
    "critical": ("✗", "bold $error"),
}


def order_of(entity: str) -> int | None:
    """``order:116`` → 116; anything else (a product, a job) → None."""
    kind, _, key = entity.partition(":")
    return int(key) if kind == "order" and key.isdigit() else None


class ProblemList(Vertical):
    class OrderChosen(Message):
        def __init__(self, woo_order_id: int) -> None:
            super().__init__()
            self.woo_order_id = woo_order_id

    def __init__(self) -> None:
        super().__init__(id="problems")
        self.border_title = "Needs a look"

    def compose(self) -> ComposeResult:
        yield OptionList(id="problem-lines", compact=True)

    def show(self, events: Sequence[StoredEvent], now: datetime, tz: ZoneInfo) -> None:
        options = self.query_one("#problem-lines", OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        if not events:
            nothing = Content.styled("Nothing to worry about.", "$success")
            options.add_option(Option(nothing, disabled=True))
            return
        for event in events:
            options.add_option(Option(_line(event, tz), id=f"{event.entity or ''}#{event.id}"))
        ids = [o.id for o in options.options]
        options.highlighted = ids.index(highlighted) if highlighted in ids else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        order = order_of((event.option.id or "").rpartition("#")[0])
        if order is None:
            self.notify("Not about an order: 2 (Logs) has its details.")
            return
        self.post_message(self.OrderChosen(order))


def _line(event: StoredEvent, tz: ZoneInfo) -> Content:
    mark, style = _MARK.get(event.level, ("·", ""))
    return Content.assemble(
        (f"{event.at.astimezone(tz):%H:%M} ", "$text-muted"),
        (f"{mark} ", style),
        (f"{event.job or event.type}: ", "bold"),
        event.message,
    )
