"""Logs: the journal in a table, filters in SQL, the live tail, the detail pane."""

from __future__ import annotations

from engine.events import Level, LogEvent
from tests.tui.pilot import settle, until
from tests.tui.seed import CONNECTION
from tui.widgets.event_detail import EventDetail
from tui.widgets.log_table import LogTable


def messages(table: LogTable) -> list[str]:
    return [event.message for event in table.events.values()]


async def test_filter_by_text_and_level(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(LogTable)
        assert len(messages(table)) == 7

        await pilot.press("slash", *"held")  # the filter applies after a typing pause
        await until(pilot, lambda: messages(table) == ["order held: payment gateway 'cheque'"])
        await settle(pilot)

        await pilot.press("escape")
        for _ in range(3):  # cycle the filter info → warning → error → debug
            await pilot.press("v")
        await settle(pilot)
        assert messages(table) == ["order held: payment gateway 'cheque'"]  # debug and up

        await pilot.press("x")  # clear: every info-and-up event again
        await until(pilot, lambda: len(messages(table)) == 7)
        await settle(pilot)
        await pilot.press("v", "v")  # info → warning → error
        await settle(pilot)
        assert all(e.level == "error" for e in table.events.values())
        assert len(table.events) == 2


async def test_live_tail_follows_new_events_and_shows_their_data(make_app) -> None:
    app = make_app(start_engine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(LogTable)
        await app.host.call_sync(
            app.engine.bus.publish,
            LogEvent(
                text="stock pushed for KB-0042",
                job="stock",
                connection=CONNECTION,
                level=Level.INFO,
                entity="product",
                data={"sku": "KB-0042", "quantity": 7},
            ),
        )
        await until(pilot, lambda: "stock pushed for KB-0042" in messages(table))
        assert table.cursor_row == table.row_count - 1  # following: the cursor is on the newest
        await settle(pilot)
        detail = str(app.screen.query_one(EventDetail).render())
        assert '"sku": "KB-0042"' in detail and "LogEvent" in detail
