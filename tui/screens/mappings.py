"""Mappings: taxes, payments, order statuses, locations and defaults, all editable.

The values offered come from both systems (read in a worker when the screen
opens, ``u`` reads them again).  Saving validates first and writes only the
rows that changed; ``R`` then releases the orders that were held waiting for
a mapping, so they are checked again.  Order statuses and locations are
config.toml keys: saving writes them (checked together) and offers to reopen
the engine so they take effect; so is a mapping a back office keeps in its own
settings section (declared in its entry: a sell status per order status, say).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from engine.runtime import (
    ConfigError,
    ConfigFileError,
    OutboxState,
    TillsyncError,
    format_config_error,
)
from engine.runtime.mapping_config import config_mapping_edits
from engine.runtime.views import MappingSection, mapping_sections
from engine.runtime.views_settings import edit_config_keys
from tui.modals.confirm import ConfirmModal
from tui.screens.console import ConsoleScreen
from tui.widgets.mapping_editor import MappingEditor

__all__ = ["MappingsScreen"]

# Orders' "needs" kinds → the section that fixes them
_SECTION_OF = {"payment": "payment", "tax_class": "tax_class", "default": "default"}


class MappingsScreen(ConsoleScreen):
    MODE = "mappings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("R", "release", "Release held"),
        Binding("u", "reload", "Reload"),
        Binding("left_square_bracket", "section(-1)", "Prev tab", key_display="["),
        Binding("right_square_bracket", "section(1)", "Next tab", key_display="]"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sections: tuple[MappingSection, ...] = ()
        self._pending_focus: tuple[str, str] | None = None
        self._loading = False

    def compose_body(self) -> Iterable[Widget]:
        with Container(id="mappings-body"):
            yield Static("Reading both systems…", id="mappings-status")
            yield TabbedContent(id="mapping-tabs")

    def on_mount(self) -> None:
        super().on_mount()
        if self.is_current:  # composed ahead of use, it reads both systems when first shown
            self._reload()

    def reload(self) -> None:
        """Shown again: what both sides offer and what is saved may have changed meanwhile
        (a mapping import, another console); unsaved edits are kept as they are."""
        if self.unsaved() is None:
            self._reload()

    def action_reload(self) -> None:
        self.console.after_asking("Reload", self._reload)

    def _reload(self) -> None:
        self._loading = True
        self._pending_focus = self._pending_focus or self._focused_row()
        self.query_one("#mappings-body").loading = True
        self._load()

    def unsaved(self) -> str | None:
        edited = [e.section.title for e in self.query(MappingEditor) if e.changed()]
        return ", ".join(edited) or None

    @work(exclusive=True, group="mappings-load")
    async def _load(self) -> None:
        """*Network*: both sides are asked what they offer."""
        try:
            sections = await self.call(mapping_sections(self.engine, self.connection))
        except TillsyncError as error:
            self.query_one("#mappings-status", Static).update(f"Could not read: {error.message}")
            self.query_one("#mappings-body").loading = False
            return
        await self._show(sections)

    async def _show(self, sections: tuple[MappingSection, ...]) -> None:
        self.sections = sections
        tabs = self.query_one(TabbedContent)
        was = tabs.active  # a save or reload keeps the admin on the section they were in
        await tabs.clear_panes()
        for section in sections:
            pane = TabPane(section.title, MappingEditor(section), id=f"pane-{section.name}")
            await tabs.add_pane(pane)
        if was and tabs.query(f"#{was}"):
            tabs.active = was
        self.query_one("#mappings-status", Static).update(_status(sections))
        self.query_one("#mappings-body").loading = False
        self._loading = False
        if self._pending_focus is not None:
            self.focus_source(*self._pending_focus)

    def focus_source(self, kind: str, source: str) -> None:
        """Show the section and row an order is waiting for (from the Orders screen)."""
        if not self.sections or self._loading:  # shown when the fresh sections are
            self._pending_focus = (kind, source)
            return
        self._pending_focus = None
        pane = f"pane-{_SECTION_OF.get(kind, kind)}"
        tabs = self.query_one(TabbedContent)
        if tabs.query(f"#{pane}"):
            tabs.active = pane
            self.call_after_refresh(self._focus_row, pane, source)

    def _focused_row(self) -> tuple[str, str] | None:
        """(kind, source) of the row with the focus, to keep it through a reload."""
        for editor in self.query(MappingEditor):
            source = editor.focused_source()
            if source is not None:
                return (editor.section.name, source)
        return None

    def _focus_row(self, pane: str, source: str) -> None:
        editor = self.query_one(f"#{pane} MappingEditor", MappingEditor)
        if not editor.focus_source(source):
            self.notify(f"{source!r} is not offered by the shop any more.", severity="warning")

    def _active_editor(self) -> MappingEditor | None:
        tabs = self.query_one(TabbedContent)
        if not tabs.active:
            return None
        return self.query_one(f"#{tabs.active} MappingEditor", MappingEditor)

    def action_section(self, step: int) -> None:
        panes = [f"pane-{s.name}" for s in self.sections]
        tabs = self.query_one(TabbedContent)
        if panes and tabs.active in panes:
            tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]

    def action_save(self) -> None:
        editor = self._active_editor()
        if editor is None or not editor.section.editable:
            self.notify("This section cannot be edited here.", severity="warning")
        elif not editor.request_save():
            self.notify("Not saved: fix the marked rows first.", severity="error")

    def on_mapping_editor_save_requested(self, message: MappingEditor.SaveRequested) -> None:
        self._save(message.section, message.values)

    @work(exclusive=True, group="mappings-save")
    async def _save(self, section: MappingSection, values: dict[str, str | None]) -> None:
        changed = [r for r in section.rows if values[r.source] != r.current]
        if section.saved_to == "config":
            self._save_to_config(section, values, len(changed))
            return
        changes = {row.source: values[row.source] for row in changed}
        await self.call(self.engine.save_mappings(section.kind, changes, self.connection))
        self.notify(f"{section.title}: {len(changed)} mapping(s) saved. R releases held orders.")
        self._load()

    def _save_to_config(
        self, section: MappingSection, values: dict[str, str | None], changed: int
    ) -> None:
        """Order statuses and places are config.toml keys: written together, then reopen."""
        path = self.engine.config.source
        try:
            if path is None:
                raise ConfigError("this configuration has no file to save to")
            edits = config_mapping_edits(self.connection, section.kind, values, section.key)
            edit_config_keys(path, edits)
        except ConfigFileError as error:
            self.notify(format_config_error(error), title="Not saved", severity="error")
            return
        except TillsyncError as error:
            self.notify(error.message, title="Not saved", severity="error")
            return
        for editor in self.query(MappingEditor):
            if editor.section is section:
                editor.mark_saved(values)
        modal = ConfirmModal(
            f"{section.title}: {changed} change(s) saved to config.toml",
            "Reopen the engine now so they take effect? A running job finishes first.",
            confirm="Reopen now",
        )
        # the modal answers "" when confirmed (no reason asked), None when cancelled
        self.app.push_screen(
            modal, lambda ok: self.console.action_reopen() if ok is not None else None
        )

    @work(exclusive=True, group="mappings-release")
    async def action_release(self) -> None:
        counts = await self.call(self.engine.order_counts(self.connection))
        held = counts.get(OutboxState.HELD, 0)
        if not held:
            self.notify("No order is held.")
            return
        modal = ConfirmModal(
            f"Release {held} held order(s)?",
            f"The {held} order(s) held for a missing mapping are checked again on the next "
            "pass; those still missing one are held again with the reason.",
            confirm="Release",
        )
        self.app.push_screen(modal, lambda ok: self._release() if ok is not None else None)

    def _release(self) -> None:
        """Released in the background: a toast gives the outcome (booked, failed, why)."""
        self.console.report_release()


def _status(sections: tuple[MappingSection, ...]) -> str:
    """Names what is missing ("payments: cheque"), not just how many."""
    missing = [
        f"{s.title}: {r.source}"
        for s in sections
        for r in s.rows
        if r.required and r.current is None
    ]
    if not missing:
        return "Everything is mapped."
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return f"Missing ({len(missing)}): {shown}."
