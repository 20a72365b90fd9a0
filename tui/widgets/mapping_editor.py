"""One mapping section as rows of "source → choose a target".

Targets are offered in a Select built from what the other side reports, so
the admin can't type an id that doesn't exist.  Read-only sections (set in
config.toml) show the configured value with a ✓ when the other side offers
it.  Saving is the screen's job: the editor validates and posts
:class:`MappingEditor.SaveRequested` with every row's value.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Select, Static

from engine.runtime.views import MappingRow, MappingSection

__all__ = ["MappingEditor"]


def _row_id(index: int) -> str:
    return f"row-{index}"


def _checked(row: MappingRow) -> Content:
    offered = {o.value: o.label for o in row.options}
    if row.current is None:
        return Content.styled("not set", "$text-muted")
    if row.current in offered:
        return Content.assemble(("✓ ", "$success"), offered[row.current])
    return Content.assemble(("? ", "$warning"), f"{row.current} (not among the offered ids)")


class MappingEditor(VerticalScroll):
    class SaveRequested(Message):
        def __init__(self, section: MappingSection, values: dict[str, str | None]) -> None:
            super().__init__()
            self.section = section
            self.values = values

    def __init__(self, section: MappingSection) -> None:
        super().__init__(classes="mapping-editor")
        self.section = section

    def compose(self) -> ComposeResult:
        yield Static(self.section.help, classes="mapping-help")
        if self.section.error:
            yield Static(Content.styled(self.section.error, "$error"), classes="mapping-error")
        for index, row in enumerate(self.section.rows):
            with Horizontal(classes="mapping-row", id=_row_id(index)):
                yield Label(row.label + (" *" if row.required else ""), classes="mapping-source")
                yield self._target(row)
        yield Static(id="mapping-problems")

    def _target(self, row: MappingRow) -> Select[str] | Static:
        if not self.section.editable:
            return Static(_checked(row), classes="mapping-target")
        options = [(o.label, o.value) for o in row.options]
        current = row.current if row.current in {o.value for o in row.options} else Select.NULL
        return Select(options, value=current, prompt="— not mapped —", compact=True)

    def values(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for index, row in enumerate(self.section.rows):
            select = self.query_one(f"#{_row_id(index)} Select", Select)
            found[row.source] = select.value if isinstance(select.value, str) else None
        return found

    def changed(self) -> bool:
        if not self.section.editable:
            return False
        return any(self.values()[row.source] != row.current for row in self.section.rows)

    def on_select_changed(self, event: Select.Changed | None) -> None:
        """Mark each row whose choice differs from what is saved (● and the row's style)."""
        if not self.section.editable:
            return
        values = self.values()
        for index, row in enumerate(self.section.rows):
            edited = values[row.source] != row.current
            line = self.query_one(f"#{_row_id(index)}")
            line.set_class(edited, "-changed")
            mark = "● " if edited else ""
            line.query_one(Label).update(mark + row.label + (" *" if row.required else ""))

    def mark_saved(self, values: dict[str, str | None]) -> None:
        """Saved elsewhere than the store (config.toml): these values are now the saved ones."""
        rows = tuple(replace(row, current=values.get(row.source)) for row in self.section.rows)
        self.section = replace(self.section, rows=rows)
        self.on_select_changed(None)

    def request_save(self) -> bool:
        """Validate; post SaveRequested when valid.  Returns whether it was valid."""
        if not self.section.editable:
            return False
        values = self.values()
        problems = self.section.problems(values)
        box = self.query_one("#mapping-problems", Static)
        box.update(Content.styled("\n".join(problems), "$error") if problems else "")
        for index, row in enumerate(self.section.rows):
            bad = any(p.startswith(f"{row.label}:") for p in problems)
            self.query_one(f"#{_row_id(index)}").set_class(bad, "-invalid")
        if not problems:
            self.post_message(self.SaveRequested(self.section, values))
        return not problems

    def focused_source(self) -> str | None:
        """The source of the row whose choice has the focus, if any."""
        for index, row in enumerate(self.section.rows):
            if self.query_one(f"#{_row_id(index)}").children[-1].has_focus:
                return row.source
        return None

    def focus_source(self, source: str) -> bool:
        for index, row in enumerate(self.section.rows):
            if row.source == source:
                target = self.query_one(f"#{_row_id(index)}").children[-1]
                if target.focusable:
                    target.focus()
                self.scroll_to_widget(target)
                return True
        return False
