"""`?`: what the current view is for and every key it answers to.

WHY a screen and not Textual's key panel: a new admin needs a sentence on
what the view shows and what to do next, not only a key list; the keys are
read from the view's live bindings, so the list can't drift from the code.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

__all__ = ["HELP_TEXT", "HelpModal"]

HELP_TEXT = {
    "dashboard": (
        "Every job with its last and next run, whether orders flow, and what needs a look. "
        'r runs the focused job now; select an entry under "Needs a look" to open it.'
    ),
    "logs": (
        "The event journal, newest last. / filters by text, SKU or order; v cycles the "
        "level; f follows new events; d shows the selected event whole."
    ),
    "orders": (
        "WooCommerce orders by state. [ and ] change the state tab. A failed or held order "
        "says why on the right: retry it, fix the mapping it needs, skip or void it. "
        "Drafts (where the back office keeps orders short of stock as drafts): f makes "
        "the selected one final once its stock is back, F every such one."
    ),
    "mappings": (
        "How WooCommerce values map to the back office: payments, taxes, statuses, "
        "locations and defaults. [ and ] change the section; Ctrl+S saves the section."
    ),
    "products": (
        "Products linked to the back office, set aside (with the reason), or not in the "
        "shop yet. / searches; d previews the next catalog run without writing."
    ),
    "settings": (
        "Schedules, preferences and the connections' test. Ctrl+S writes the config "
        "file; Ctrl+R reopens the engine on it."
    ),
}


def _label(binding: Binding) -> str:
    return binding.key_display or binding.key.replace("_", " ")


class HelpModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close"),
    ]

    def __init__(self, view: Screen[object], name: str) -> None:
        super().__init__()
        self._mode = getattr(view, "MODE", "")
        self._name = name
        self._keys = sorted(
            {
                (_label(b), b.description)
                for _, b, enabled, *_ in view.active_bindings.values()
                if enabled and b.description
            }
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = f"Help: {self._name}"
            box.border_subtitle = "Esc closes"
            yield Static(HELP_TEXT.get(self._mode, ""), id="help-text", markup=False)
            lines = [
                Content.assemble((f"{key:>8}  ", "bold $accent"), text) for key, text in self._keys
            ]
            yield Static(Content("\n").join(lines), id="help-keys")
