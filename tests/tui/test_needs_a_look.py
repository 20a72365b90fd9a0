""" "Needs a look": an order's entry opens that order; resolved orders drop out."""

from __future__ import annotations

from textual.widgets import OptionList

from engine.store import OutboxState
from tests.tui.pilot import settle, until
from tests.tui.seed import CONNECTION, NOW
from tui.screens.orders import OrdersScreen
from tui.widgets.order_table import OrderTable


async def _order_in(app, state: OutboxState) -> int:
    entries = await app.call(app.engine.store.outbox.list_by_state(state, connection=CONNECTION))
    return entries[0].woo_order_id


async def _problem(app, order: int, text: str) -> None:
    event = {
        "at": NOW.isoformat(), "level": "error", "job": "orders", "connection": CONNECTION,
        "type": "LogEvent", "message": f"order #{order} {text}", "entity": f"order:{order}",
    }  # fmt: skip
    await app.call(app.engine.store.events.append_many([event]))


async def test_an_order_entry_jumps_to_the_order_and_a_resolved_one_is_gone(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        failed = await _order_in(app, OutboxState.FAILED)
        booked = await _order_in(app, OutboxState.DONE)
        await _problem(app, booked, "failed: timeout")  # since booked on a retry
        await _problem(app, failed, "failed: product missing")
        app.screen.reload()
        await settle(pilot)
        lines = app.screen.query_one("#problem-lines", OptionList)
        ids = [option.id or "" for option in lines.options]
        assert any(i.startswith(f"order:{failed}#") for i in ids)
        assert not any(i.startswith(f"order:{booked}#") for i in ids)  # resolved: gone
        lines.focus()
        lines.highlighted = next(n for n, i in enumerate(ids) if i.startswith(f"order:{failed}#"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OrdersScreen))
        await settle(pilot)
        assert app.screen.query_one(OrderTable).selected_order == failed
        assert app.screen.detail is not None and app.screen.detail.entry.woo_order_id == failed
