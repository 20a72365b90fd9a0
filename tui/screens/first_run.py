"""First run: credentials → connection test → places (where orders and stock
live) → taxes → write the config.

The back office's questions (which keys are typed, which are picked from
what it reports, which are secret) come from its entry through
``SetupAnswers.entry``: this screen names no back office.

Nothing is written until the last step; each step is checked by the engine
(the same loader, the same doctor, the back office's own coupling), so a
config this wizard writes is one tillsync starts on.  Dismisses with the
config path, or ``None`` when the admin leaves.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, Label, Select, Static

from engine.runtime import (
    ConfigFileError,
    DoctorCheck,
    Engine,
    MappingKind,
    TillsyncError,
    default_config_path,
    format_config_error,
)
from engine.runtime.views import MappingSection, mapping_sections
from engine.runtime.views_setup import (
    SetupAnswers,
    SetupField,
    backend_choices,
    couple,
    open_setup_engine,
    setup_config,
    write_setup,
)
from tui.widgets.check_list import CheckList
from tui.widgets.mapping_editor import MappingEditor

__all__ = ["FirstRunScreen"]

STEPS = ("connect", "test", "place", "taxes", "write")
# the shop's questions; the back office's come from its entry (SetupAnswers.entry)
SHOP_FIELDS = (
    ("connection", "Connection name"),
    ("woo_url", "Shop URL"),
    ("consumer_key", "Consumer key (ck_…)"),
    ("consumer_secret", "Consumer secret (cs_…)"),
)
_QUIET_CHECKS = ("database", "instance", "webhooks", "clock")


class FirstRunScreen(Screen[Path | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next", priority=True),
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("escape", "leave", "Leave setup"),
    ]

    def __init__(self, config_path: Path | None, answers: SetupAnswers | None = None) -> None:
        super().__init__()
        self.config_path = config_path or default_config_path()
        self.answers = answers or SetupAnswers()
        self.step = "connect"
        self._engine: Engine | None = None
        self._sections: tuple[MappingSection, ...] = ()
        self._taxes: dict[str, str | None] = {}
        self.passed = False
        self._coupled: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="setup-title")
        with ContentSwitcher(initial="connect", id="setup-steps"):
            with VerticalScroll(id="connect"):
                yield from self._typed_rows()
            with VerticalScroll(id="test"):
                yield CheckList()
            with VerticalScroll(id="place"):
                for field in self._places:
                    with Horizontal(classes="setup-row"):
                        yield Label(field.label, classes="setup-label")
                        yield Select([], id=f"p-{field.key}", compact=True, prompt="—")
                yield Static(id="couple-result")
            yield Vertical(id="taxes")
            yield Static(id="write")
        yield Static(id="setup-error")
        yield Footer()

    @property
    def _typed(self) -> tuple[tuple[str, str, bool], ...]:
        """(key, label, secret) of every question of the first step."""
        shop = tuple((k, label, k == "consumer_secret") for k, label in SHOP_FIELDS)
        return shop + tuple((f.key, f.label, f.secret) for f in self.answers.entry.typed_fields)

    @property
    def _places(self) -> tuple[SetupField, ...]:
        """The required choices of the "place" step, as the back office's entry lists them."""
        return tuple(f for f in self.answers.entry.picked_fields if f.required)

    def _typed_rows(self) -> ComposeResult:
        choices = backend_choices()
        if len(choices) > 1:  # one back office installed: nothing to choose
            with Horizontal(classes="setup-row"):
                yield Label("Back office", classes="setup-label")
                options = [(title, name) for name, title in choices]
                yield Select(
                    options, value=self.answers.backend_type, id="f-backend_type", compact=True
                )
        for key, label, secret in self._typed:
            with Horizontal(classes="setup-row"):
                yield Label(label, classes="setup-label")
                yield Input(self.answers.value(key), id=f"f-{key}", compact=True, password=secret)

    async def on_select_changed(self, event: Select.Changed) -> None:
        """Another back office: its own questions replace the previous one's."""
        if event.select.id != "f-backend_type" or not isinstance(event.value, str):
            return
        if event.value == self.answers.backend_type:
            return
        self.answers = self.answers.with_values(**self._typed_values(), backend_type=event.value)
        await self.recompose()

    def _typed_values(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", Input).value.strip() for key, _, _ in self._typed}

    def on_mount(self) -> None:
        self._show_step("connect")

    def _show_step(self, step: str) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = step
        number = STEPS.index(step) + 1
        titles = {
            "connect": "Credentials",
            "test": "Connection test",
            "place": "Where orders and stock live",
            "taxes": "Taxes",
            "write": "Write the config",
        }
        self.query_one("#setup-title", Static).update(
            Content.assemble(("tillsync setup ", "bold"), f"step {number}/5 — {titles[step]}")
        )
        self._error("")
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        targets = self.query_one(f"#{self.step}").query("Input, Select")
        if targets:
            targets.first().focus()
        else:
            self.query_one(f"#{self.step}").focus()

    def _error(self, text: str) -> None:
        self.query_one("#setup-error", Static).update(Content.styled(text, "$error"))

    def action_next(self) -> None:
        handlers = {
            "connect": self._from_connect,
            "test": self._from_test,
            "place": self._from_place,
            "taxes": self._from_taxes,
            "write": self._write,
        }
        handlers[self.step]()

    def action_back(self) -> None:
        index = STEPS.index(self.step)
        if index > 0 and self.step != "test":
            self._show_step(STEPS[index - 1])
        elif self.step == "test":
            self._show_step("connect")

    def _from_connect(self) -> None:
        self.answers = self.answers.with_values(**self._typed_values())
        try:
            setup_config(self.answers, self.config_path)
        except ConfigFileError as error:
            self._error(format_config_error(error))
            return
        except TillsyncError as error:
            self._error(error.message)
            return
        self._show_step("test")
        self.query_one(CheckList).update("Testing both connections…")
        self._test()

    @work(exclusive=True, group="setup")
    async def _test(self) -> None:
        """*Network*: the doctor's checks and what both sides offer, on the answers."""
        await self._close_engine()
        self.passed = False
        try:
            self._engine = await open_setup_engine(self.answers, self.config_path)
            report = await self._engine.doctor(self.answers.connection)
            self._sections = await mapping_sections(self._engine, self.answers.connection)
        except TillsyncError as error:
            self.query_one(CheckList).show_error(error.message)
            return
        self.query_one(CheckList).show(report)
        self.passed = not [c for c in report.failures if self._blocks(c)]

    def _blocks(self, check: DoctorCheck) -> bool:
        """A failed check stops the test step unless it is quiet, or is about a
        choice the next step asks for (not made yet, so not wrong yet)."""
        if check.name.split(":")[0] in _QUIET_CHECKS:
            return False
        unanswered = [f for f in self._places if not self.answers.value(f.key)]
        about = check.name.rpartition(": ")[2]
        return not any(about == f.doctor_check or f".{f.key} " in check.message for f in unanswered)

    def _from_test(self) -> None:
        if not self.passed or self._engine is None:
            self._error("The connection test must pass first (ctrl+b to fix the credentials).")
            return
        rows = {
            r.source: r for s in self._sections if s.kind == MappingKind.LOCATION for r in s.rows
        }
        for field in self._places:
            row = rows.get(field.key)
            select = self.query_one(f"#p-{field.key}", Select)
            select.set_options([(o.label, o.value) for o in row.options] if row else [])
        self._show_step("place")

    def _from_place(self) -> None:
        chosen = {f.key: self.query_one(f"#p-{f.key}", Select).value for f in self._places}
        values = {k: v for k, v in chosen.items() if isinstance(v, str)}
        missing = [f.label for f in self._places if f.key not in values]
        if missing:
            self._error(f"Choose: {', '.join(missing)}.")
            return
        self.answers = self.answers.with_values(**values)
        self._couple()

    @work(exclusive=True, group="setup")
    async def _couple(self) -> None:
        assert self._engine is not None
        results = await couple(self._engine, self.answers)
        self._coupled = results
        self.query_one("#couple-result", Static).update("\n".join(results))
        if any(line.startswith("✗") for line in results):
            self._error("The back office refused a choice; pick another.")
            return
        taxes = next(s for s in self._sections if s.kind == MappingKind.TAX_CLASS)
        holder = self.query_one("#taxes", Vertical)
        await holder.remove_children()
        await holder.mount(MappingEditor(taxes))
        self._show_step("taxes")

    def _from_taxes(self) -> None:
        editor = self.query_one(MappingEditor)
        problems = editor.section.problems(editor.values())
        if problems:
            self._error("\n".join(problems))
            return
        self._taxes = editor.values()
        a = self.answers
        lines = [
            f"Ready to write {self.config_path}",
            f"and {self.config_path.with_name('secrets.toml')} (both readable by you only).",
            "",
            f"Shop {a.woo_url} ↔ {a.entry.title} {a.value('base_url')}".rstrip(),
            *self._coupled,
            f"{sum(v is not None for v in self._taxes.values())} tax mapping(s).",
            "Orders start point: now. Orders created before it are listed, never",
            "booked; `tillsync orders backfill --since DATE` books older ones.",
            "",
            "ctrl+n writes them and opens the dashboard.",
        ]
        self.query_one("#write", Static).update(Text("\n".join(lines)))
        self._show_step("write")

    @work(exclusive=True, group="setup")
    async def _write(self) -> None:
        try:
            written = write_setup(self.answers, self.config_path)
        except TillsyncError as error:
            self._error(error.message)
            return
        if self._engine is not None:
            pairs = {k: v for k, v in self._taxes.items() if v is not None}
            await self._engine.save_mappings(MappingKind.TAX_CLASS, pairs, self.answers.connection)
        await self._close_engine()
        self.dismiss(written)

    async def _close_engine(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            await engine.close(timeout=5)

    async def action_leave(self) -> None:
        await self._close_engine()
        self.dismiss(None)
