"""What the console shows while the engine opens, or why it could not.

WHY a screen of its own: opening takes the instance lock and recovers a
crashed run; when that fails ("another tillsync is running", a bad config)
the admin must read the reason and the fix, not a traceback.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static

__all__ = ["StartupScreen"]


class StartupScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.exit(2)", "Quit")]

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="startup"):
            yield Static("[b]tillsync[/b]", id="startup-title")
            yield Static("Opening the state database…", id="startup-status")
            yield LoadingIndicator()
        yield Footer()

    def show_status(self, text: str) -> None:
        self.query_one(LoadingIndicator).display = True
        self.query_one("#startup-status", Static).update(Text(text))

    def show_error(self, message: str, hint: str = "") -> None:
        self.query_one(LoadingIndicator).display = False
        text = Text.assemble(("Can't start: ", "bold red"), message)
        if hint:
            text.append_text(Text.assemble("\n\n", ("Fix: ", "bold"), hint))
        self.query_one("#startup-status", Static).update(text)
