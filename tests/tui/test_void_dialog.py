"""The void dialog: a stray Enter in the reason field never voids a sale."""

from __future__ import annotations

from engine.store import OutboxState
from tests.tui.pilot import settle
from tests.tui.test_orders import open_orders, state_of
from tui.modals.confirm import ConfirmModal
from tui.widgets.order_table import OrderTable


async def test_enter_in_the_reason_field_does_not_void(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot, tab_steps=3)  # Done
        order = screen.query_one(OrderTable).selected_order
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press(*"typo", "enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # still asking
        assert await state_of(app, order) is OutboxState.DONE


async def test_void_needs_its_own_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot, tab_steps=3)  # Done
        order = screen.query_one(OrderTable).selected_order
        await pilot.press("v")
        await settle(pilot)
        await pilot.press(*"customer cancelled", "ctrl+y")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert await state_of(app, order) is OutboxState.VOIDING
