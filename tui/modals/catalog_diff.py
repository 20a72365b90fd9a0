"""The next catalog run, as a dry run: what would be created, updated, skipped.

WHY before a real run: after changing mappings or prices in the back office
the admin sees exactly what WooCommerce will receive — the dry run builds
the same diff a real run applies, and writes nothing.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from engine.runtime import CatalogDiff

__all__ = ["CatalogDiffModal"]

_STYLE = {"create": "$success", "update": "$warning", "skip": "$error"}


class CatalogDiffModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss(None)", "Close")]

    def __init__(self, diff: CatalogDiff) -> None:
        super().__init__()
        self.diff = diff

    def compose(self) -> ComposeResult:
        s = self.diff.summary()
        with Vertical(id="diff-box") as box:
            box.border_title = "Next catalog run (dry run — nothing was written)"
            yield Static(
                f"{s['create']} to create · {s['update']} to update · "
                f"{s['unchanged']} unchanged · {s['skip']} skipped",
                id="diff-summary",
            )
            with VerticalScroll(id="diff-scroll"):
                yield Static(self._lines(), id="diff-lines")
        yield Footer()

    def _lines(self) -> Content:
        if not self.diff.entries:
            return Content.styled("Nothing to do: the shop matches the back office.", "$success")
        lines = [
            Content.styled(entry.describe(), _STYLE.get(entry.action, ""))
            for entry in self.diff.entries
        ]
        return Content("\n").join(lines)

    def on_mount(self) -> None:
        self.query_one("#diff-scroll").focus()
