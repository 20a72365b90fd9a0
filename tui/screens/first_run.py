"""Placeholder."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

__all__ = ["FirstRunScreen"]


class FirstRunScreen(Screen[Path | None]):
    def __init__(self, config_path: Path | None) -> None:
        super().__init__()
        self.config_path = config_path
