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
        line.append(" tillsync ", style="bold reverse")
        self._append_service(line, wide)
        if self.connection:
            line.append(f" {self.connection} ", style="bold")
        line.append(" ")
        for index, (mode, full, short) in enumerate(SCREENS, start=1):
            label = full if wide else short
            style = "bold reverse" if mode == self.current else ""
            line.append(f" {index}", style=f"{style} underline" if style else "bold")
            line.append(f" {label} ", style=style)
        return line

    def _append_service(self, line: Text, wide: bool) -> None:
        """Attached to the service: its PID (the app's sub-title), or that it restarts."""
        service = self.app.sub_title
        if not service:
            return
        restarting = service.startswith("service restarting")
        if not wide:  # 80 columns: the screens' keys keep their room
            service = "⇄ restarting…" if restarting else service.replace("attached to service", "⇄")
        theme = self.app.current_theme
        color = (theme.warning or "yellow") if restarting else (theme.success or "green")
        line.append(f" {service} ", style=f"bold {color}")
