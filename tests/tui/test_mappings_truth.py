"""Mappings tells the truth: what is missing by name, the held count, the tab kept."""

from __future__ import annotations

from textual.widgets import Label, Select, Static, TabbedContent

from tests.tui.pilot import settle, until
from tests.tui.test_mappings import open_payments
from tui.modals.confirm import ConfirmModal
from tui.screens.mappings import MappingsScreen


async def test_status_names_the_missing_mapping(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        editor = await open_payments(pilot)
        missing = [r.source for r in editor.section.rows if r.required and r.current is None]
        assert missing
        status = str(app.screen.query_one("#mappings-status", Static).render())
        assert all(source in status for source in missing), status


async def test_release_dialog_gives_the_count(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_payments(pilot)
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert app.screen.query_one("#confirm-box").border_title == "Release 1 held order(s)?"


async def test_a_reload_keeps_the_current_tab(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_payments(pilot)
        await pilot.press("u")  # reload: both sides are asked again
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "pane-payment"


async def _edit_cheque(pilot):
    editor = await open_payments(pilot)
    index = next(i for i, r in enumerate(editor.section.rows) if r.source == "cheque")
    select = editor.query_one(f"#row-{index} Select", Select)
    select.value = next(o.value for o in editor.section.rows[index].options)
    await settle(pilot)
    return editor, editor.query_one(f"#row-{index}")


async def test_an_unsaved_edit_is_marked_and_leaving_asks_first(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        _, row = await _edit_cheque(pilot)
        assert row.has_class("-changed") and "●" in str(row.query_one(Label).render())
        await pilot.press("1")  # leave for the dashboard
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("escape")  # stay
        await until(pilot, lambda: isinstance(app.screen, MappingsScreen))
        await pilot.press("u")  # reload asks too
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MappingsScreen))
        await pilot.press("q")  # and quitting
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("ctrl+y")
        await until(pilot, lambda: not app.is_running, within=30)
