"""Settings: test the connections, edit schedules and preferences, test mail.

Schedules are checked as they are typed (the engine's parser, next five
runs shown).  Saving writes config.toml through the engine's validated
edit — a file tillsync would refuse is never written — and offers to reopen
the engine so the new settings take effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from engine.runtime import ConfigFileError, TillsyncError, format_config_error
from engine.runtime.views import (
    SchedulePreview,
    SettingsView,
    edit_config,
    schedule_preview,
    send_test_mail,
    settings_view,
)
from engine.runtime.views_settings import PREFERENCE_KEYS
from tui.modals.confirm import ConfirmModal
from tui.screens.console import ConsoleScreen
from tui.widgets.check_list import CheckList
from tui.widgets.schedule_editor import ScheduleEditor

__all__ = ["SettingsScreen"]


def _switch_state(on: bool) -> Content:
    return Content.styled("✓ on ", "bold $success") if on else Content.styled("✗ off", "$warning")


def _section(title: str, *children: Widget) -> Vertical:
    box = Vertical(*children, classes="settings-section")
    box.border_title = title
    return box


class SettingsScreen(ConsoleScreen):
    MODE = "settings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "test", "Test connections"),
        Binding("ctrl+s", "save", "Save"),
        Binding("m", "test_mail", "Test mail"),
        Binding("ctrl+r", "app.reopen", "Reopen"),
    ]

    def compose_body(self) -> Iterable[Widget]:
        view = settings_view(self.engine, self.connection)
        self.view = view
        tz = self.engine.config.tz
        with VerticalScroll(id="settings-body"):
            yield _section("Connections", CheckList())
            yield _section(
                "Schedules",
                ScheduleEditor(view.schedules, self._preview, self.now, tz),
            )
            yield _section("Sync preferences", *self._preferences(view))
            yield _section("Notifications", *self._notify(view))
            yield Static(self._where(view), id="settings-file")

    def _preferences(self, view: SettingsView) -> list[Widget]:
        rows: list[Widget] = [
            Horizontal(
                Label("new products are", classes="pref-label"),
                Select(
                    [("draft (review first)", "draft"), ("published", "publish")],
                    value=view.new_products_status,
                    allow_blank=False,
                    compact=True,
                    id="pref-new_products_status",
                ),
                classes="pref-row",
            )
        ]
        for key in PREFERENCE_KEYS:
            on = view.preferences[key]
            switch = Switch(on, id=f"pref-{key}")
            state = Static(_switch_state(on), id=f"pref-{key}-state", classes="pref-state")
            label = Label(key.replace("_", " "), classes="pref-label")
            rows.append(Horizontal(switch, state, label, classes="pref-row"))
        return rows

    def on_switch_changed(self, event: Switch.Changed) -> None:
        """The state in words too: a slider's colour alone is lost in 256 colours."""
        if event.switch.id:
            self.query_one(f"#{event.switch.id}-state", Static).update(_switch_state(event.value))

    def _notify(self, view: SettingsView) -> list[Widget]:
        return [
            Input(
                ", ".join(view.admin_email),
                placeholder="admin@shop.example, owner@shop.example",
                compact=True,
                id="notify-email",
            ),
            Static(Content.styled(f"SMTP server: {view.smtp_host or 'not set'}", "$text-muted")),
            Static(id="mail-result"),
        ]

    def _where(self, view: SettingsView) -> Content:
        where = view.config_path or "the configuration file"
        text = f"Saved to {where}; ctrl+r reopens the engine with it."
        return Content.styled(text, "$text-muted")

    def _preview(self, text: str) -> SchedulePreview:
        return schedule_preview(self.view.config, text, now=self.now())

    def action_test(self) -> None:
        self.query_one(CheckList).update(Content.styled("Testing…", "$text-muted"))
        self._test()

    @work(exclusive=True, group="settings-test")
    async def _test(self) -> None:
        """*Network*: the same checks as ``tillsync doctor`` for this connection."""
        try:
            report = await self.call(self.engine.doctor(self.connection))
        except TillsyncError as error:
            self.query_one(CheckList).show_error(error.message)
            return
        self.query_one(CheckList).show(report)

    def action_test_mail(self) -> None:
        self.query_one("#mail-result", Static).update("Sending…")
        self._mail()

    @work(exclusive=True, group="settings-mail")
    async def _mail(self) -> None:
        result = await self.call(send_test_mail(self.engine))
        style = "$success" if result.ok else "$error"
        text = f"{'✓' if result.ok else '✗'} test mail {result.detail}"
        self.query_one("#mail-result", Static).update(Content.styled(text, style))

    def _edits(self) -> list[tuple[str, str, Any]]:
        """(table, key, value) for every setting that differs from the file."""
        conn = f"connections.{self.connection}"
        edits: list[tuple[str, str, Any]] = [
            (self.view.schedule_tables[job], job, text)
            for job, text in self.query_one(ScheduleEditor).changed().items()
        ]
        status = self.query_one("#pref-new_products_status", Select).value
        if status != self.view.new_products_status:
            edits.append((f"{conn}.sync", "new_products_status", status))
        for key in PREFERENCE_KEYS:
            value = self.query_one(f"#pref-{key}", Switch).value
            if value != self.view.preferences[key]:
                edits.append((f"{conn}.sync", key, value))
        typed = self.query_one("#notify-email", Input).value
        emails = [e.strip() for e in typed.split(",") if e.strip()]
        if tuple(emails) != self.view.admin_email:
            edits.append(("notify", "admin_email", emails))
        return edits

    def action_save(self) -> None:
        invalid = self.query_one(ScheduleEditor).invalid()
        if invalid:
            self.notify(f"Fix the schedule of {', '.join(invalid)} first.", severity="error")
            return
        edits = self._edits()
        if not edits:
            self.notify("Nothing changed.")
            return
        self._save(edits)

    @work(exclusive=True, group="settings-save")
    async def _save(self, edits: list[tuple[str, str, Any]]) -> None:
        path = self.view.config_path
        if path is None:
            self.notify("This configuration has no file to save to.", severity="error")
            return
        try:
            for table, key, value in edits:
                edit_config(path, table, key, value)
        except ConfigFileError as error:
            self.notify(format_config_error(error), title="Not saved", severity="error")
            return
        except TillsyncError as error:
            self.notify(error.message, title="Not saved", severity="error")
            return
        self._offer_reopen(len(edits))

    def _offer_reopen(self, count: int) -> None:
        modal = ConfirmModal(
            f"Saved {count} setting(s) to config.toml",
            "Reopen the engine now so they take effect? A running job finishes first.",
            confirm="Reopen now",
        )
        self.app.push_screen(modal, self._reopen_if)

    def _reopen_if(self, answer: str | None) -> None:
        if answer is not None:
            self.console.action_reopen()
