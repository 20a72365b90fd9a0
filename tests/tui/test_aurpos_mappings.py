"""AurPOS's sell status per WooCommerce order status (``status_map``) in the Mappings
screen: declared by the back office's entry (no vendor name in the console), shown
with the defaults, saved to config.toml as the backend section's table, and in effect
once the engine is reopened.  A back office that declares none (KORONA) has no such tab."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import TabbedContent

from tests.tui.pilot import settle, until
from tests.tui.test_aurpos_drafts import console
from tests.tui.test_mappings_editable import choose, open_section
from tui.commands.demo import DemoSandboxes, start_sandboxes
from tui.modals.confirm import ConfirmModal

pytestmark = pytest.mark.timeout(120)

PANE = "pane-status_map"


@pytest.fixture
def demo() -> Iterator[DemoSandboxes]:
    sandboxes = start_sandboxes(products=6, backend="aurpos")
    try:
        yield sandboxes
    finally:
        sandboxes.stop()


async def test_the_sell_status_map_is_shown_saved_and_applied_on_reopen(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    app = console(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        editor = await open_section(pilot, PANE)
        shown = {row.source: row.current for row in editor.section.rows}
        assert shown["pending"] == "draft" and shown["processing"] == "final"  # the defaults
        assert {o.value for o in editor.section.rows[0].options} == {"final", "draft"}
        choose(editor, "pending", "final")
        choose(editor, "completed", "draft")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # saved; reopen to apply
        backend = tomllib.loads(app.engine.config.source.read_text())["connections"]["demo"]
        table = backend["backend"]["status_map"]
        assert (table["pending"], table["completed"], table["on-hold"]) == (
            "final", "draft", "draft"
        )  # fmt: skip
        assert app.engine.connection().backend.settings.status_map["pending"] == "draft"
        await pilot.press("ctrl+y")  # reopen now
        await until(
            pilot,
            lambda: (
                app.ready
                and app.engine.connection().backend.settings.status_map["pending"] == "final"
            ),
        )


async def test_a_back_office_without_its_own_mapping_has_no_such_tab(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_section(pilot, "pane-tax_class")
        await settle(pilot)
        assert not app.screen.query_one(TabbedContent).query(f"#{PANE}")


def test_snapshot_sell_statuses_at_80x24(tmp_path: Path, demo: DemoSandboxes, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await until(pilot, lambda: pilot.app.current_mode == "dashboard")
        await open_section(pilot, PANE)

    app = console(tmp_path, demo)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
