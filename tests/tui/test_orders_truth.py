"""Orders tells the truth: an empty tab shows no order, not the last one's title."""

from __future__ import annotations

from engine.store import OutboxState
from tests.tui.pilot import settle
from tests.tui.test_orders import open_orders
from tui.widgets.order_detail import OrderDetailPane
from tui.widgets.order_table import OrderTable


async def test_an_empty_tab_clears_the_order_title(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot)
        pane = screen.query_one(OrderDetailPane)
        assert pane.border_title.startswith("Order #")
        for _ in range(8):  # to a state no seeded order is in
            await pilot.press("right_square_bracket")
            await settle(pilot)
            if screen.query_one(OrderTable).row_count == 0:
                break
        assert screen.state in (OutboxState.IN_FLIGHT, OutboxState.VOIDED, OutboxState.VOIDING)
        assert pane.border_title == "Order"
        assert "No order" in str(pane.query_one("#order-text").render())
