"""The command palette: go to or retry an order by number; release, check, dry run."""

from __future__ import annotations

from textual.command import CommandPalette

from engine.store import OutboxState
from tests.tui.pilot import settle, until, until_async
from tests.tui.seed import CONNECTION
from tests.tui.test_orders import state_of
from tui.modals.confirm import ConfirmModal
from tui.screens.mappings import MappingsScreen
from tui.screens.orders import OrdersScreen
from tui.widgets.order_table import OrderTable


async def _failed(app) -> int:
    store = app.engine.store.outbox
    entries = await app.call(store.list_by_state(OutboxState.FAILED, connection=CONNECTION))
    return entries[0].woo_order_id


async def _palette(pilot, typed: str) -> None:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*typed)
    palette = pilot.app.screen
    await until(pilot, lambda: palette.query_one("CommandList").option_count > 0)
    await pilot.press("enter")


async def test_go_to_order_by_number(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order = await _failed(app)
        await _palette(pilot, f"#{order}")
        await until(pilot, lambda: isinstance(app.screen, OrdersScreen))
        await settle(pilot)
        assert app.screen.query_one(OrderTable).selected_order == order


async def test_retry_order_by_number(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order = await _failed(app)
        await _palette(pilot, f"retry {order}")

        async def retried() -> bool:
            return await state_of(app, order) is OutboxState.WAITING

        await until_async(pilot, retried)


async def test_release_asks_on_the_mappings_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _palette(pilot, "release held")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MappingsScreen))
