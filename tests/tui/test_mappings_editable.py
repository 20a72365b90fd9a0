"""Mappings: order statuses, locations and defaults are edited and saved on the screen too.

Statuses and places are config.toml keys (written together, checked, then the
engine may be reopened); the fallback product is a store mapping like payments.
"""

from __future__ import annotations

import tomllib

from textual.widgets import Select, TabbedContent

from engine.store import MappingKind
from tests.tui.pilot import settle
from tests.tui.seed import CONNECTION
from tui.modals.confirm import ConfirmModal
from tui.widgets.mapping_editor import MappingEditor


async def open_section(pilot, pane: str) -> MappingEditor:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    while pilot.app.screen.query_one(TabbedContent).active != pane:
        await pilot.press("right_square_bracket")
        await settle(pilot)
    return pilot.app.screen.query_one(f"#{pane} MappingEditor", MappingEditor)


def choose(editor: MappingEditor, source: str, value: str) -> None:
    index = [row.source for row in editor.section.rows].index(source)
    editor.query_one(f"#row-{index} Select", Select).value = value


def saved_config(app) -> dict:
    return tomllib.loads(app.engine.config.source.read_text(encoding="utf-8"))


async def test_order_statuses_are_saved_to_the_config(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_section(pilot, "pane-order_status")
        assert editor.section.editable
        choose(editor, "processing", "book")
        choose(editor, "completed", "ignore")
        choose(editor, "failed", "void")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # saved; reopen to apply
        await pilot.press("escape")
        orders = saved_config(app)["connections"][CONNECTION]["orders"]
        assert orders["trigger_status"] == "processing"
        assert "failed" in orders["void_on"] and "processing" not in orders["void_on"]
        assert app.screen.unsaved() is None  # nothing left to ask about


async def test_two_booking_statuses_are_refused(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_section(pilot, "pane-order_status")
        before = app.engine.config.source.read_text(encoding="utf-8")
        choose(editor, "processing", "book")  # completed books too
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert "exactly one status books" in str(editor.query_one("#mapping-problems").render())
        assert app.engine.config.source.read_text(encoding="utf-8") == before


async def test_a_location_is_saved_to_the_backend_table(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_section(pilot, "pane-location")
        row = next(r for r in editor.section.rows if r.source == "warehouse")
        other = next(o.value for o in row.options if o.value != row.current)
        choose(editor, "warehouse", other)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        assert saved_config(app)["connections"][CONNECTION]["backend"]["warehouse"] == other


async def test_the_fallback_product_is_a_saved_default(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_section(pilot, "pane-default")
        (row,) = editor.section.rows
        assert row.options and all(o.label for o in row.options)  # linked products, named
        choose(editor, "product", row.options[2].value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = await app.call(
            app.engine.store.mappings.of_kind(MappingKind.DEFAULT, connection=CONNECTION)
        )
        assert saved == {"product": row.options[2].value}


async def test_the_tabs_cover_every_kind_the_readme_names(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_section(pilot, "pane-tax_class")
        panes = [pane.id for pane in app.screen.query_one(TabbedContent).query("TabPane")]
        assert panes == [
            "pane-tax_class", "pane-payment", "pane-order_status", "pane-location", "pane-default"
        ]  # fmt: skip
        assert all(e.section.editable for e in app.screen.query(MappingEditor))
