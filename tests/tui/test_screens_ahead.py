"""Screens are composed ahead of their first visit (issue 21).

A first visit used to compose the screen and re-parse the styles while the
user waited (0.2-0.4 s, the console's p95 key-press-to-frame during a sync);
the console now composes and mounts the other screens before the dashboard
shows.  A screen composed ahead loads its data only when it is shown.
"""

from __future__ import annotations

import gc

from textual.widgets import ProgressBar

from tests.tui.pilot import settle, until
from tui.app import TillsyncApp
from tui.modals.help import HelpModal
from tui.screens.console import ConsoleScreen
from tui.widgets.product_table import ProductTable

AHEAD = ("logs", "orders", "mappings", "products", "settings")


def _composed(app: TillsyncApp, mode: str) -> ConsoleScreen | None:
    stack = app._screen_stacks.get(mode)  # Textual keeps one stack per mode
    return stack[0] if stack else None


async def test_other_screens_are_composed_before_their_first_visit(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        assert all(_composed(app, m) is not None for m in AHEAD)  # before the dashboard showed
        await settle(pilot)
        ahead = {mode: _composed(app, mode) for mode in AHEAD}
        assert app.current_mode == "dashboard"
        reloads: list[str] = []
        for screen in ahead.values():
            original = screen.reload
            screen.reload = lambda s=screen, o=original: (reloads.append(s.MODE), o())[1]
        await settle(pilot)
        assert reloads == []  # hidden, they load nothing
        assert ahead["products"].query_one(ProductTable).row_count == 0  # not even its first tab
        await pilot.press("3")
        await settle(pilot)
        assert app.screen is ahead["orders"]  # the visit shows the screen composed ahead
        assert reloads == ["orders"]  # and loads its data now


async def test_no_visit_reparses_the_stylesheet(make_app) -> None:
    """Every screen is styled before the dashboard shows: a visit (the dashboard's
    first return included) re-parses nothing.  Textual re-parses the whole
    stylesheet when the shown screen was not styled since the last theme change
    (55-125 ms a visit during a sync, issue 21)."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        reparsed: list[str] = []
        original = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: (reparsed.append(app.current_mode), original())[1]
        for key in ("2", "3", "5", "1", "4", "6", "1"):
            await pilot.press(key)
            await settle(pilot)
        assert app.current_mode == "dashboard"
        assert reparsed == []
        app.theme = "textual-light"  # a theme chosen later restyles the shown screen now
        await settle(pilot)
        assert reparsed == ["dashboard"]
        await pilot.press("2")  # and each other one at its next visit, as Textual does
        await settle(pilot)
        assert reparsed == ["dashboard", "logs"]


async def test_widgets_first_mounted_later_parse_no_styles(make_app) -> None:
    """A toast, a dialog and a progress bar (a running job's card) mounted for the
    first time after the console opened re-parse nothing: Textual would add each
    class's default styles then and re-parse the whole stylesheet (50-280 ms in
    a sync's first second, issue 21)."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        parsed: list[int] = []
        original = app.stylesheet.parse
        app.stylesheet.parse = lambda: (parsed.append(1), original())[1]
        app.notify("catalog: started")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpModal))
        await pilot.press("escape")
        await app.screen.mount(ProgressBar(total=10))
        await settle(pilot)
        assert parsed == []


async def test_the_open_console_is_frozen_for_the_garbage_collector(make_app) -> None:
    """What the open console holds is skipped by full collections (a 171 ms pause
    during a sync key press before, issue 21), and collectable once it is gone."""
    gc.unfreeze()
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0
