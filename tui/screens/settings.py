"""Placeholder."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Static

from tui.screens.console import ConsoleScreen

__all__ = ["SettingsScreen"]


class SettingsScreen(ConsoleScreen):
    MODE = "settings"

    def compose_body(self) -> Iterable[Widget]:
        yield Static("settings")
