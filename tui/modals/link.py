"""Show a URL the admin may need in a browser (wp-admin for an order).

WHY not just open it: over SSH the browser would open on the server, if
anywhere.  The URL is shown whole and selectable; ``c`` copies it through
the terminal (OSC 52, works in most terminals and tmux with set-clipboard),
and ``o`` opens it only when this machine has a browser to open.
"""

from __future__ import annotations

import webbrowser
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

__all__ = ["LinkModal", "local_browser"]


def local_browser() -> bool:
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


class LinkModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("c", "copy", "Copy"),
        Binding("o", "open", "Open", show=False),
    ]

    def __init__(self, title: str, url: str, *, browser: bool | None = None) -> None:
        super().__init__()
        self._title = title
        self.url = url
        self._browser = local_browser() if browser is None else browser

    def compose(self) -> ComposeResult:
        with Vertical(id="link-box") as box:
            box.border_title = self._title
            yield Input(self.url, id="link-url")
            yield Static("c copies it to your clipboard (via the terminal).", id="link-help")
            with Horizontal(id="link-buttons"):
                yield Button("Close", id="close")
                yield Button("Copy", id="copy", variant="primary")
                if self._browser:
                    yield Button("Open in browser", id="open")

    def on_mount(self) -> None:
        self.query_one("#copy", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"copy": self.action_copy, "open": self.action_open}.get(
            event.button.id or "", lambda: self.dismiss(None)
        )()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.url)
        self.notify("Copied the link to the clipboard.")

    def action_open(self) -> None:
        if self._browser:
            webbrowser.open(self.url)
            self.dismiss(None)
