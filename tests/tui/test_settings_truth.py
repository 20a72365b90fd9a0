"""Settings tells the truth over time: the next runs move on while the screen is open."""

from __future__ import annotations

from datetime import timedelta

from tests.tui.pilot import until
from tests.tui.seed import NOW
from tests.tui.test_settings import open_settings
from tui.widgets.schedule_editor import ScheduleEditor


async def test_next_runs_follow_the_clock(make_app, monkeypatch) -> None:
    monkeypatch.setattr(ScheduleEditor, "REFRESH_EVERY", 0.1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        preview = screen.query_one("#preview-stock")
        first = str(preview.render())
        assert first.startswith("next: 12:03")  # every 3 minutes, local time
        app.clock = lambda: NOW + timedelta(minutes=10)
        await until(pilot, lambda: str(preview.render()) != first, within=10)
        assert str(preview.render()).startswith("next: 12:12")
