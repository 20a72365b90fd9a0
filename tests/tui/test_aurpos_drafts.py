"""The Orders screen's Drafts tab on an AurPOS connection (the AurPOS and WooCommerce
sandboxes on loopback): orders the POS keeps as drafts for short stock are listed
with what is short, ``f`` makes the highlighted one final once its stock is back,
``F`` every one whose stock is back; attached to a service too.  A back office that
keeps no drafts (KORONA, the seeded shop) has no such tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Tabs

from engine.backends.aurpos.sell_body import OUT_OF_STOCK
from engine.config import load_config
from engine.events import LogEvent
from engine.runtime import Engine, TillsyncConfig
from engine.runtime.control import ControlServer, RemoteEngine
from sandbox.aurpos.demo import DEMO_LOCATION
from sandbox.aurpos.sells import SellBook
from tests.tui.pilot import settle, until
from tui.app import TillsyncApp
from tui.commands.demo import DemoSandboxes, start_sandboxes, write_demo_config
from tui.widgets.draft_table import DraftTable

pytestmark = pytest.mark.timeout(120)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo() -> Iterator[DemoSandboxes]:
    sandboxes = start_sandboxes(products=6, backend="aurpos")
    try:
        yield sandboxes
    finally:
        sandboxes.stop()


def short_draft(demo: DemoSandboxes, number: str, skip: int = 0) -> tuple[int, int, str]:
    """A sell saved as a draft for short stock, as the adapter books it: (sell, variation, SKU)."""
    pos = demo.backoffice.sandbox
    product = [
        p for p in pos.products.values()
        if p["type"] == "single" and p["enable_stock"]
        and DEMO_LOCATION in p["product_locations_ids"]
    ][skip]  # fmt: skip
    variation = product["product_variations"][0]["variations"][0]
    pos.set_stock(variation["id"], DEMO_LOCATION, 0)
    line = {"product_id": product["id"], "variation_id": variation["id"], "quantity": 2}
    (sell,) = SellBook(pos).create_all(
        [{"location_id": DEMO_LOCATION, "contact_id": 1, "status": "draft", "invoice_no": number,
          "transaction_date": "2026-12-01 10:15:00",
          "staff_note": f"tillsync WC-{number} · {OUT_OF_STOCK} {variation['sub_sku']}",
          "products": [line]}],
        "tillsync",
    )  # fmt: skip
    return sell["id"], variation["id"], variation["sub_sku"]


def console(tmp_path: Path, demo: DemoSandboxes, **options: object) -> TillsyncApp:
    config = load_config(write_demo_config(tmp_path, demo))
    return TillsyncApp(
        config.source, config=config, start_engine=False, clock=lambda: NOW, **options
    )


def toasts(app: TillsyncApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_drafts(pilot) -> DraftTable:
    await until(pilot, lambda: pilot.app.current_mode == "dashboard")
    await pilot.press("3")
    await settle(pilot)
    tabs = pilot.app.screen.query_one(Tabs)
    await until(pilot, lambda: bool(tabs.query("#tab-drafts")))
    tabs.active = "tab-drafts"
    await settle(pilot)
    return pilot.app.screen.query_one(DraftTable)


async def test_f_finalises_the_selected_draft_once_its_stock_is_back(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    sell, variation, sku = short_draft(demo, "1042")
    pos = demo.backoffice.sandbox
    app = console(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_drafts(pilot)
        assert table.display and table.row_count == 1
        assert str(table.get_row_at(0)[3]) == f"short: {sku} 0 of 2"
        assert "#1042" in str(table.get_row_at(0)[0])

        await pilot.press("f")
        await until(pilot, lambda: any("stays a draft" in t for t in toasts(app)))
        assert pos.sells[sell]["status"] == "draft"  # still short: not sold beyond stock

        pos.set_stock(variation, DEMO_LOCATION, 5)
        await pilot.press("f")
        await until(pilot, lambda: "Made final: 1042." in toasts(app))
        await settle(pilot)
        assert pos.sells[sell]["status"] == "final"
        assert pos.stock(variation, DEMO_LOCATION) == 3
        assert table.row_count == 0


async def test_F_finalises_only_the_drafts_whose_stock_is_back(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    first, variation, _ = short_draft(demo, "1042")
    second, _, _ = short_draft(demo, "1043", skip=1)
    pos = demo.backoffice.sandbox
    pos.set_stock(variation, DEMO_LOCATION, 5)
    app = console(tmp_path, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_drafts(pilot)
        whys = sorted(str(table.get_row_at(i)[3]) for i in range(table.row_count))
        assert whys[0].startswith("short: ") and whys[1].startswith("stock back")
        await pilot.press("F")
        await until(pilot, lambda: "Made final: 1042." in toasts(app))
        await settle(pilot)
        assert (pos.sells[first]["status"], pos.sells[second]["status"]) == ("final", "draft")
        assert table.row_count == 1


async def test_the_drafts_tab_works_attached_to_the_service(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    """The list and the finalise are the service's: the console holds no POS client."""
    sell, variation, _ = short_draft(demo, "1042")
    pos = demo.backoffice.sandbox
    pos.set_stock(variation, DEMO_LOCATION, 5)
    served: list[Engine] = []

    async def attach(config: TillsyncConfig) -> Engine:
        engine = await Engine.open(config)
        server = ControlServer(engine, tmp_path / "svc.sock", pid=4121)
        await server.start()
        served.append(engine)
        remote = await RemoteEngine.attach(config, server.path)
        detach = remote.close

        async def close(**_: object) -> None:
            await detach()
            await server.stop()
            await engine.close()

        remote.close = close  # type: ignore[method-assign]
        return remote  # type: ignore[return-value]

    app = console(tmp_path, demo, engine_factory=attach)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_drafts(pilot)
        assert isinstance(app.engine, RemoteEngine) and table.row_count == 1
        heard = served[0].bus.subscribe()
        await pilot.press("f")
        await until(pilot, lambda: "Made final: 1042." in toasts(app))
        assert pos.sells[sell]["status"] == "final"

        said = [e.text for e in heard.drain() if isinstance(e, LogEvent)]
        assert "drafts made final by the admin: 1042" in said  # the service's own log


async def test_a_back_office_without_drafts_has_no_drafts_tab(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert not app.screen.query_one(Tabs).query("#tab-drafts")
        assert app.screen.check_action("finalise", ()) is False


def test_snapshot_drafts_tab_at_80x24(tmp_path: Path, demo: DemoSandboxes, snap_compare) -> None:
    short_draft(demo, "1042")
    pos = demo.backoffice.sandbox
    _, variation, _ = short_draft(demo, "1043", skip=1)
    pos.set_stock(variation, DEMO_LOCATION, 5)

    async def run_before(pilot) -> None:
        await open_drafts(pilot)

    app = console(tmp_path, demo)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
