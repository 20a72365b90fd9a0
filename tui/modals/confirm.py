"""Ask before doing something that matters; optionally ask why.

Dismisses with ``None`` when cancelled, else the reason typed ("" when no
reason was asked).  Irreversible actions say so in red and default focus
to Cancel, so a stray Enter never voids a sale; Enter in the reason field
only says how to confirm: the button or Ctrl+Y, never Enter alone.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

__all__ = ["ConfirmModal"]


class ConfirmModal(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+y", "confirm", "Confirm", priority=True),
    ]

    def __init__(
        self,
        title: str,
        body: str,
        *,
        confirm: str = "Confirm",
        irreversible: bool = False,
        reason: str | None = None,
    ) -> None:
        super().__init__(classes="-danger" if irreversible else "")
        self._title = title
        self._body = body
        self._confirm = confirm
        self._irreversible = irreversible
        self._reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self._title
            yield Static(self._body, id="confirm-body", markup=False)
            if self._irreversible:
                yield Static(
                    Content.styled("This cannot be undone.", "bold $error"), id="confirm-warning"
                )
            if self._reason is not None:
                yield Input(placeholder=self._reason, id="confirm-reason")
            yield Static(f"Ctrl+Y {self._confirm.lower()} · Esc cancel", id="confirm-keys")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(
                    self._confirm,
                    id="confirm",
                    variant="error" if self._irreversible else "primary",
                )

    def on_mount(self) -> None:
        first = "#confirm-reason" if self._reason is not None else "#cancel"
        self.query_one(first).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self._accept()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.notify(f"Press Ctrl+Y or the {self._confirm} button to confirm", timeout=4)

    def action_confirm(self) -> None:
        self._accept()

    def _accept(self) -> None:
        reason = self.query_one("#confirm-reason", Input).value if self._reason is not None else ""
        self.dismiss(reason.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
