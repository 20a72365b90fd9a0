"""The top line: product name, the service attached to, connection, the numbered screens.

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

    def on_mount(self) -> None:
        self.watch(self.app, "sub_title", lambda _: self.refresh(), init=False)

    def render(self) -> Text:
        wide = self.size.width >= 96
        line = Text(no_wrap=True, overflow="ellipsis")
        self._append_brand(line, wide)
        if self.connection:
            line.append(f" {self.connection} ", style="bold")
        line.append(" ")
        for index, (mode, full, short) in enumerate(SCREENS, start=1):
            label = full if wide else short
            style = "bold reverse" if mode == self.current else ""
            line.append(f" {index}", style=f"{style} underline" if style else "bold")
            line.append(f" {label} ", style=style)
        return line

    def _append_brand(self, line: Text, wide: bool) -> None:
        """The product name, and the service the console is attached to (the app's sub-title).

        At 80 columns the service takes the name's place, so the screens'
        keys keep their room: "⇄ pid 4121", or "restarting…" in the warning colour.
        """
        service = self.app.sub_title
        if service and not wide:
            restarting = service.startswith("service restarting")
            short = "restarting…" if restarting else service.replace("attached to service (", "⇄ ")
            line.append(f" {short.rstrip(')')} ", style=f"bold reverse {self._tone(restarting)}")
            return
        line.append(" tillsync ", style="bold reverse")
        if service:
            restarting = service.startswith("service restarting")
            line.append(f" {service} ", style=f"bold {self._tone(restarting)}")

    def _tone(self, restarting: bool) -> str:
        theme = self.app.current_theme
        return (theme.warning or "yellow") if restarting else (theme.success or "green")
