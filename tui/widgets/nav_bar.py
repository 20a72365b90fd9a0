"""The top line: product name, connection, and the numbered screens.

WHY not a Header: the admin navigates with 1–6, so the bar shows those keys
where the eye already is, and the footer stays free for the screen's own
actions (it must fit 80 columns).
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["SCREENS", "NavBar"]

# (mode, full label, short label) in key order: key = position + 1
SCREENS: tuple[tuple[str, str, str], ...] = (
    ("dashboard", "Dashboard", "Dash"),
    ("logs", "Logs", "Logs"),
    ("orders", "Orders", "Orders"),
    ("mappings", "Mappings", "Maps"),
    ("products", "Products", "Products"),
    ("settings", "Settings", "Settings"),
)


class NavBar(Widget):
    """One line; the current screen is highlighted."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    current: reactive[str] = reactive("dashboard")
    connection: reactive[str] = reactive("")

    def __init__(self, current: str, connection: str = "") -> None:
        super().__init__()
        self.set_reactive(NavBar.current, current)
        self.set_reactive(NavBar.connection, connection)

    def render(self) -> Text:
        wide = self.size.width >= 96
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(" tillsync ", style="bold reverse")
        if self.connection:
            line.append(f" {self.connection} ", style="bold")
        line.append(" ")
        for index, (mode, full, short) in enumerate(SCREENS, start=1):
            label = full if wide else short
            style = "bold reverse" if mode == self.current else ""
            line.append(f" {index}", style=f"{style} underline" if style else "bold")
            line.append(f" {label} ", style=style)
        return line
