"""State that must survive 256 colours: a switch says on/off, focus changes a line's shape."""

from __future__ import annotations

from textual.widgets import Static, Switch

from tests.tui.pilot import settle
from tests.tui.test_settings import open_settings
from tui.widgets.job_card import JobCard


async def test_a_switch_shows_its_state_with_a_symbol(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        switch = screen.query_one("#pref-hide_out_of_stock", Switch)
        state = screen.query_one("#pref-hide_out_of_stock-state", Static)
        before = str(state.render())
        assert ("✓" in before) is switch.value
        switch.focus()
        await pilot.press("enter")
        await settle(pilot)
        after = str(state.render())
        assert ("✓" in after) is switch.value and ("✗" in after) is not switch.value
        assert switch.styles.text_style.reverse  # focused: reversed, not only recoloured


async def test_focus_is_a_heavier_border_even_on_a_failed_card(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        failed = app.screen.query_one("#job-stock", JobCard)
        assert failed.has_class("-failed")
        assert failed.styles.border.top[0] == "round"
        failed.focus()
        await settle(pilot)
        assert failed.styles.border.top[0] == "heavy"
