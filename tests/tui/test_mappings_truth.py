"""Mappings tells the truth: what is missing by name, the held count, the tab kept."""

from __future__ import annotations

from textual.widgets import Static, TabbedContent

from tests.tui.pilot import settle, until
from tests.tui.test_mappings import open_payments
from tui.modals.confirm import ConfirmModal


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
