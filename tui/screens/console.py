"""The frame every console screen shares: nav bar, body, footer, live events.

WHY a base class: each screen needs the same three things — the engine and
connection it shows, the app's clock (fixed in snapshot tests), and engine
events while it is visible — and must not grow its own way of getting them.
A screen reloads its read model when shown and, debounced, when an event
says its data changed; it never awaits the network in a handler.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widget import Widget

from engine.runtime import EngineEvent
from tui.widgets.console_footer import ConsoleFooter
from tui.widgets.nav_bar import NavBar

if TYPE_CHECKING:
    from engine.runtime import Engine
    from tui.app import TillsyncApp

__all__ = ["ConsoleScreen"]

T = TypeVar("T")


def style_inputs(app: App[Any]) -> tuple[object, ...]:
    """What a hidden screen's styles depend on that can change while it is hidden:
    the stylesheet and theme (Textual counts each re-parse), the app's classes and
    pseudo-classes (``-narrow``, ``:dark``, ``:focus``)."""
    return (app._css_update_count, app.classes, app.pseudo_classes)


class ConsoleScreen(Screen[None]):
    """Subclasses set ``MODE``, implement ``compose_body`` and ``reload``."""

    MODE: ClassVar[str] = ""
    RELOAD_EVERY: ClassVar[float | None] = None  # seconds between periodic reloads
    RELOAD_ON: ClassVar[tuple[type[EngineEvent], ...]] = ()  # events that change the data
    RELOAD_DEBOUNCE: ClassVar[float] = 0.5

    def __init__(self) -> None:
        super().__init__()
        self._reload_pending = False
        self._styled_for: tuple[object, ...] | None = None

    @property
    def console(self) -> TillsyncApp:
        return self.app  # type: ignore[return-value]

    @property
    def engine(self) -> Engine:
        return self.console.engine

    @property
    def connection(self) -> str:
        return self.console.connection

    def now(self) -> datetime:
        return self.console.clock()

    async def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Engine work (a read model, an action) on the engine's loop; awaited, not blocking.

        When the console closed while the engine worked, the calling worker is cancelled
        here: what it would do next touches widgets that are gone.
        """
        result = await self.console.call(work)
        if not (self.app.is_running and self.is_attached):
            raise asyncio.CancelledError
        return result

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE, self.console.connection)
        yield from self.compose_body()
        yield ConsoleFooter()

    def compose_body(self) -> Iterable[Widget]:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.console.engine_events.subscribe(self, self._on_engine_event)
        self.console.connection_changed.subscribe(self, self._on_connection_changed)
        if self.RELOAD_EVERY:
            self.set_interval(self.RELOAD_EVERY, self._periodic_reload)

    def note_styled(self) -> None:
        """Its styles are right for the app as it is now (see :meth:`on_screen_resume`)."""
        self._styled_for = style_inputs(self.app)

    def on_screen_suspend(self) -> None:
        self.note_styled()  # every change made while shown was styled as it was made

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Reload the data; restyle only when what the styles depend on changed meanwhile.

        WHY: Textual restyles a resumed screen's every widget, and a data table
        restyled drops its rendered rows: 3-10 ms of restyling and a full
        re-render of each table under every key press that shows a screen
        (issue 21, bench/README finding 11).  Runs before Textual's own handler.
        """
        if self._styled_for is not None and self._styled_for == style_inputs(self.app):
            event.refresh_styles = False
        self.call_later(self.console.frame_holds.resumed, self)  # after Textual's handler
        if self.console.ready and self.is_current:  # not when composed ahead of use
            self.reload()

    def _on_connection_changed(self, name: str) -> None:
        self.query_one(NavBar).connection = name
        if self.is_current and self.console.ready:
            self.reload()

    def _periodic_reload(self) -> None:
        if self.is_current and self.console.ready:
            self.reload()

    def _on_engine_event(self, event: EngineEvent) -> None:
        if not self.is_current:
            return  # shown again, it reloads anyway
        self.on_engine_event(event)
        if isinstance(event, self.RELOAD_ON) and not self._reload_pending:
            self._reload_pending = True
            self.set_timer(self.RELOAD_DEBOUNCE, self._debounced_reload)

    def _debounced_reload(self) -> None:
        self._reload_pending = False
        if self.is_current and self.console.ready:
            self.reload()

    def on_engine_event(self, event: EngineEvent) -> None:
        """Live update hook (progress bars, log tail); default: nothing."""

    def reload(self) -> None:
        """Start a worker that reads the screen's read model; default: nothing."""

    def unsaved(self) -> str | None:
        """What leaving now would lose ("Payments"), asked about first; default: nothing."""
        return None
