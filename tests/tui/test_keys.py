"""Keys every screen shares: `[` and `]` move between tabs and are in the footer."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent, Tabs

from engine.runtime.views_console import console_theme
from tests.tui.pilot import settle, until_async
from tui.modals.help import HELP_TEXT, HelpModal


def _active(screen) -> str:
    tabbed = screen.query(TabbedContent)
    if tabbed:
        return str(tabbed.first().active)
    return str(screen.query_one(Tabs).active)


def _footer_keys(screen) -> set[str]:
    return {key for key, (_, binding, *_) in screen.active_bindings.items() if binding.show}


@pytest.mark.parametrize("key", ["3", "4", "5"])  # orders, mappings, products
async def test_brackets_move_between_tabs_and_are_in_the_footer(make_app, key) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        first = _active(screen)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert _active(screen) != first
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert _active(screen) == first
        assert {"left_square_bracket", "right_square_bracket"} <= _footer_keys(screen)


@pytest.mark.parametrize(
    ("key", "name", "shown"),
    [("1", "Dashboard", "Run now"), ("3", "Orders", "Retry"), ("5", "Products", "Search")],
)
async def test_question_mark_opens_the_help_of_the_current_view(make_app, key, name, shown):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        view = app.screen
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpModal)
        assert app.screen.query_one("#help-box").border_title == f"Help: {name}"
        assert HELP_TEXT[view.MODE] in str(app.screen.query_one("#help-text").render())
        assert shown in str(app.screen.query_one("#help-keys").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is view


async def test_the_theme_choice_is_kept(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        default = app.theme
        chosen = next(name for name in app.available_themes if name != default)
        app.theme = chosen
        await until_async(pilot, lambda: app.call(console_theme(app.engine)), within=10)
        assert await app.call(console_theme(app.engine)) == chosen
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == chosen
