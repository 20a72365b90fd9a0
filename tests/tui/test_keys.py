"""Keys every screen shares: `[` and `]` move between tabs and are in the footer."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent, Tabs

from tests.tui.pilot import settle


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
