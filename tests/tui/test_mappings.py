"""Mappings: values offered by both sides, validation, save, release held orders."""

from __future__ import annotations

from textual.widgets import Select, TabbedContent

from engine.store import MappingKind, OutboxState
from sandbox import korona as kor
from tests.tui.pilot import settle
from tests.tui.seed import CONNECTION
from tui.modals.confirm import ConfirmModal
from tui.widgets.mapping_editor import MappingEditor


async def open_payments(pilot) -> MappingEditor:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    await pilot.press("right_square_bracket")
    await settle(pilot)
    assert pilot.app.screen.query_one(TabbedContent).active == "pane-payment"
    return pilot.app.screen.query_one("#pane-payment MappingEditor", MappingEditor)


async def test_offers_what_both_sides_report(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_payments(pilot)
        gateways = [row.source for row in editor.section.rows]
        assert gateways == ["bacs", "cheque", "cod", "stripe", "ppcp-gateway"]  # Woo's list
        methods = {o.value for o in editor.section.rows[0].options}
        assert methods >= {kor.PAYMENT_CASH_ID, kor.PAYMENT_WEBSHOP_ID}  # KORONA's list
        assert editor.values()["cod"] == kor.PAYMENT_CASH_ID  # the saved mapping


async def test_an_unmapped_gateway_blocks_saving(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_payments(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = app.screen.query(".mapping-row.-invalid")
        assert len(rows) == 3  # cheque, stripe, paypal: enabled and unmapped
        saved = await app.call(
            app.engine.store.mappings.of_kind(MappingKind.PAYMENT, connection=CONNECTION)
        )
        assert "cheque" not in saved


async def test_fix_the_mapping_then_release_held_orders(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_payments(pilot)
        for index, method in (
            (1, kor.PAYMENT_CARD_ID),
            (3, kor.PAYMENT_CARD_ID),
            (4, kor.PAYMENT_PAYPAL_ID),
        ):
            editor.query_one(f"#row-{index} Select", Select).value = method
        await pilot.press("ctrl+s")
        await settle(pilot)
        store = app.engine.store
        saved = await app.call(store.mappings.of_kind(MappingKind.PAYMENT, connection=CONNECTION))
        assert saved["cheque"] == kor.PAYMENT_CARD_ID
        assert saved["cod"] == kor.PAYMENT_CASH_ID  # untouched rows stay
        held = await app.call(store.outbox.list_by_state(OutboxState.HELD, connection=CONNECTION))
        assert len(held) == 1

        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        app.screen.query_one("#confirm").press()
        await settle(pilot)
        released = await app.call(store.outbox.get(held[0].woo_order_id, connection=CONNECTION))
        assert released.state is OutboxState.WAITING
