"""Settings: schedules checked as typed, validated saves, reopening, connection test."""

from __future__ import annotations

import tomllib

from textual.widgets import Input, Switch

from engine.config import load_config
from tests.tui.pilot import settle, until
from tests.tui.seed import CONNECTION
from tui.modals.confirm import ConfirmModal
from tui.screens.dashboard import DashboardScreen
from tui.screens.settings import SettingsScreen
from tui.widgets.check_list import CheckList
from tui.widgets.job_card import JobCard


async def open_settings(pilot) -> SettingsScreen:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SettingsScreen)
    return pilot.app.screen


async def type_into(pilot, field: Input, text: str) -> None:
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await settle(pilot)


async def test_bad_schedule_is_refused_inline_then_a_good_one_is_saved(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        field = screen.query_one("#schedule-stock", Input)
        preview = screen.query_one("#preview-stock")

        await type_into(pilot, field, "every 10 parsecs")
        assert "-invalid" in field.classes and preview.has_class("-invalid")
        assert "can't read" in str(preview.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)  # nothing saved
        path = app.engine.config.source
        assert "parsecs" not in path.read_text()

        await type_into(pilot, field, "every 7 minutes")
        assert "-invalid" not in field.classes
        assert str(preview.render()).startswith("next: 12:07, 12:14")  # local time (CET)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        saved = tomllib.loads(path.read_text())
        assert saved["schedules"]["stock"] == "every 7 minutes"  # the key the admin sees
        assert "schedules" not in saved["connections"][CONNECTION]  # no override beside it
        assert load_config(path).job_schedules(CONNECTION)["stock"].text == "every 7 minutes"

        app.screen.query_one("#confirm").press()  # reopen the engine with the new file
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.ready)
        await settle(pilot)
        card = app.screen.query_one("#job-stock", JobCard)
        assert card.view.schedule == "every 7 minutes"


async def test_preferences_are_written_to_the_config(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#pref-hide_out_of_stock", Switch).value = False  # default: on
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # not now: the file is saved, the engine keeps running
        text = app.engine.config.source.read_text()
        assert tomllib.loads(text)["connections"][CONNECTION]["sync"]["hide_out_of_stock"] is False


async def test_connection_test_runs_the_doctor_over_http(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot)
        await pilot.press("t")
        await settle(pilot)
        text = str(app.screen.query_one(CheckList).render())
        assert "✓ woocommerce" in text and "accepted the API key" in text
        assert "✓ korona: credentials" in text
