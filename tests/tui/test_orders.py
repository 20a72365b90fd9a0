"""Orders: the failed-order debugger's actions, each checked in the store."""

from __future__ import annotations

from engine.store import OutboxState
from tests.tui.pilot import settle, until
from tests.tui.seed import CONNECTION
from tui.modals.confirm import ConfirmModal
from tui.modals.link import LinkModal
from tui.screens.mappings import MappingsScreen
from tui.screens.orders import OrdersScreen
from tui.widgets.mapping_editor import MappingEditor
from tui.widgets.order_table import OrderTable


async def open_orders(pilot, tab_steps: int = 0) -> OrdersScreen:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    for _ in range(tab_steps):
        await pilot.press("right_square_bracket")
        await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OrdersScreen)
    return screen


async def state_of(app, order: int) -> OutboxState:
    entry = await app.call(app.engine.store.outbox.get(order, connection=CONNECTION))
    return entry.state


async def test_retry_a_failed_order(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot)
        assert screen.state is OutboxState.FAILED  # opens on the failed ones when there are any
        order = screen.query_one(OrderTable).selected_order
        assert screen.detail is not None and screen.detail.entry.last_error_kind == "validation"
        assert "retry" in screen.detail.actions and "void" not in screen.detail.actions
        await pilot.press("r")
        await settle(pilot)
        assert await state_of(app, order) is OutboxState.WAITING
        assert screen.query_one(OrderTable).row_count == 0  # no failed order left


async def test_void_asks_and_cancel_keeps_the_sale(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot, tab_steps=3)  # Done
        order = screen.query_one(OrderTable).selected_order
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await settle(pilot)
        assert await state_of(app, order) is OutboxState.DONE

        await pilot.press("v")
        await settle(pilot)
        await pilot.press(*"customer returned it")
        app.screen.query_one("#confirm").press()
        await settle(pilot)
        assert await state_of(app, order) is OutboxState.VOIDING
        history = await app.call(app.engine.store.outbox.history(order, connection=CONNECTION))
        assert history[-1].detail == "customer returned it"


async def test_void_is_hidden_where_the_back_office_cannot_void(make_app) -> None:
    from engine.backends import Capability

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        backend = app.engine.connection(CONNECTION).backend
        backend.capabilities = backend.capabilities - {Capability.SALES_VOID}
        screen = await open_orders(pilot, tab_steps=3)  # Done
        order = screen.query_one(OrderTable).selected_order
        assert screen.detail is not None and screen.detail.entry.woo_order_id == order
        assert "void" not in screen.detail.actions
        assert screen.check_action("void", ()) is False
        await pilot.press("v")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert await state_of(app, order) is OutboxState.DONE


async def test_skip_with_a_reason(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot, tab_steps=2)  # Waiting
        order = screen.query_one(OrderTable).selected_order
        await pilot.press("s", *"duplicate of #100")
        app.screen.query_one("#confirm").press()
        await settle(pilot)
        assert await state_of(app, order) is OutboxState.SKIPPED


async def test_held_order_jumps_to_its_missing_mapping(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot, tab_steps=1)  # Held
        assert screen.detail is not None
        missing = [(m.kind, m.source) for m in screen.detail.missing]
        assert missing == [("payment", "cheque")]
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MappingsScreen)
        await until(pilot, lambda: app.focused is not None)
        editor = app.focused.ancestors_with_self
        assert any(
            isinstance(node, MappingEditor) and node.section.kind == "payment" for node in editor
        )
        assert app.focused.parent.id == "row-1"  # cheque is the second gateway


async def test_wp_admin_link_is_shown_for_copying(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot)
        order = screen.query_one(OrderTable).selected_order
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LinkModal)
        assert app.screen.url == (
            f"https://shop.example.com/wp-admin/post.php?post={order}&action=edit"
        )
        await pilot.press("c")
        assert app.clipboard == app.screen.url


async def test_write_backs_tab_retries_and_dismisses_a_refused_receipt_number(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(pilot, tab_steps=8)  # Write-backs
        assert screen.state == "writebacks"
        order = screen.query_one(OrderTable).selected_order
        assert order is not None and screen.detail is not None
        debts = app.engine.store.writebacks
        refused = await app.call(debts.get(order, connection=CONNECTION))
        assert refused is not None and refused.state.value == "dead"
        assert screen.check_action("writeback_retry", ()) is True

        await pilot.press("w")
        await settle(pilot)
        after = await app.call(debts.get(order, connection=CONNECTION))
        assert after is not None and after.state.value == "owed"

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        app.screen.query_one("#confirm").press()
        await settle(pilot)
        assert await app.call(debts.get(order, connection=CONNECTION)) is None
        assert await state_of(app, order) is OutboxState.DONE  # the sale stands
