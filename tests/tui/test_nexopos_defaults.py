"""NexoPOS defaults in the Mappings screen: each offers the values the NexoPOS sandbox
reports (categories, unit groups, units, tax groups, staff users, customer groups,
customers, payment types), and a choice is saved to the connection's backend table."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Select, TabbedContent

from engine.config import load_config
from sandbox.nexopos import ids
from tests.tui.pilot import settle, until
from tui.app import TillsyncApp
from tui.commands.demo import DemoSandboxes, start_sandboxes, write_demo_config
from tui.modals.confirm import ConfirmModal
from tui.widgets.mapping_editor import MappingEditor

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def demo() -> Iterator[DemoSandboxes]:
    sandboxes = start_sandboxes(products=5, backend="nexopos")
    try:
        yield sandboxes
    finally:
        sandboxes.stop()


async def _config_pane(pilot) -> MappingEditor:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    tabs = pilot.app.screen.query_one(TabbedContent)
    while tabs.active != "pane-location":
        await pilot.press("right_square_bracket")
        await settle(pilot)
    return pilot.app.screen.query_one("#pane-location MappingEditor", MappingEditor)


def _offered(editor: MappingEditor, key: str) -> dict[str, str]:
    row = next(r for r in editor.section.rows if r.source == key)
    return {o.value: o.label for o in row.options}


async def test_the_defaults_offer_what_nexopos_reports_and_are_saved(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    config = load_config(write_demo_config(tmp_path, demo))
    app = TillsyncApp(config.source, config=config, start_engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        editor = await _config_pane(pilot)
        assert editor.section.title == "Locations and defaults"
        nexo = demo.backoffice.sandbox  # the NexoPOS sandbox's tables
        with nexo.lock:
            categories = {str(c["id"]) for c in nexo.categories.values()}
            tax_groups = {str(t["id"]) for t in nexo.tax_groups.values()}
        assert set(_offered(editor, "default_category_id")) == categories
        assert set(_offered(editor, "default_tax_group_id")) == tax_groups
        assert _offered(editor, "default_unit_group_id")
        assert str(ids.UNIT_PIECE) in _offered(editor, "default_unit_id")
        assert set(_offered(editor, "customer_group_id")) == {
            str(ids.GROUP_DEFAULT),
            str(ids.GROUP_WEB),
        }
        assert set(_offered(editor, "user_id")) == {str(ids.ADMIN_USER)}  # staff, not customers
        assert str(ids.WALK_IN_CUSTOMER) in _offered(editor, "default_customer_id")
        assert "cash-payment" in _offered(editor, "default_payment")
        index = [r.source for r in editor.section.rows].index("default_category_id")
        chosen = sorted(categories)[-1]
        editor.query_one(f"#row-{index} Select", Select).value = chosen
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # saved; reopen to apply
        await pilot.press("escape")
    saved = tomllib.loads(config.source.read_text(encoding="utf-8"))
    backend = saved["connections"]["demo"]["backend"]
    assert str(backend["default_category_id"]) == chosen
    assert load_config(config.source)  # the file still loads
