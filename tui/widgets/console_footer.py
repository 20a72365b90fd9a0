"""The footer of every console screen: Textual's, rebuilt only when its keys change.

WHY: Textual's footer removes and mounts all its key widgets again whenever
the screen says its bindings *may* have changed — focus moves, a screen
shows — and a visit to a screen said so two or three times.  During a sync
that rebuild (new widgets, restyled and rendered) cost 5-29 ms of a key
press's frame (issue 21, bench/README finding 11).  The keys shown are
compared first; the same keys keep the same widgets.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["ConsoleFooter"]


def shown_keys(screen: Screen[Any]) -> list[tuple[object, ...]]:
    """What the footer draws from the screen's bindings (each binding, enabled, tooltip)."""
    return [
        (binding, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
    ]


class ConsoleFooter(Footer):
    """A :class:`~textual.widgets.Footer` that skips a rebuild showing the same keys."""

    def __init__(self) -> None:
        super().__init__()
        self._composed_for: list[tuple[object, ...]] | None = None
        self.rebuilds = 0  # how often its keys were composed (what a rebuild costs, counted)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed_for = shown_keys(self.screen)
            self.rebuilds += 1
        yield from super().compose()

    async def recompose(self) -> None:
        """Rebuild the keys only when they changed (Textual asks on every bindings refresh)."""
        if self._composed_for is not None and shown_keys(self.screen) == self._composed_for:
            return  # the same keys: the widgets shown are right
        await super().recompose()
