"""First run: credentials → connection test → POS and warehouse → taxes → config."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from engine.config import load_config
from engine.store import MappingKind, StateStore
from sandbox import korona as kor
from tests.tui.pilot import settle, until
from tests.tui.seed import WOO_KEY, WOO_SECRET, Shop
from tui.app import TillsyncApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.first_run import FirstRunScreen
from tui.widgets.mapping_editor import MappingEditor


@pytest.fixture(autouse=True)
def private_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state database goes to the platform data folder: keep it in the test's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


async def next_step(pilot, expected: str) -> FirstRunScreen:
    await pilot.press("ctrl+n")
    await settle(pilot, engine=False)
    screen = pilot.app.screen
    assert isinstance(screen, FirstRunScreen)
    assert screen.step == expected, str(screen.query_one("#setup-error").render())
    return screen


async def test_setup_writes_a_config_tillsync_starts_on(tmp_path: Path, shop: Shop) -> None:
    path = tmp_path / "conf" / "config.toml"
    app = TillsyncApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, FirstRunScreen))
        screen = app.screen
        typed = {
            "woo_url": shop.woo_url,
            "consumer_key": WOO_KEY,
            "consumer_secret": WOO_SECRET,
            "base_url": shop.korona_url,
            "account_id": kor.DEFAULT_ACCOUNT_ID,
            "user": kor.DEFAULT_USER,
            "password": kor.DEFAULT_PASSWORD,
        }
        for key, value in typed.items():
            screen.query_one(f"#f-{key}", Input).value = value
        screen = await next_step(pilot, "test")
        assert screen.passed
        screen = await next_step(pilot, "place")
        for key, value in (
            ("point_of_sale", kor.POS_WEBSHOP_ID),
            ("warehouse", kor.ORG_WAREHOUSE_ID),
            ("price_group", kor.PRICE_GROUP_WEBSHOP_ID),
        ):
            screen.query_one(f"#p-{key}", Select).value = value
        screen = await next_step(pilot, "taxes")
        assert shop.korona.coupling_id(kor.POS_WEBSHOP_ID) == "tillsync-shop1"  # coupled
        editor = screen.query_one(MappingEditor)
        for index, target in enumerate(("", "reduced-rate", "zero-rate")):
            editor.query_one(f"#row-{index} Select", Select).value = target
        screen = await next_step(pilot, "write")
        assert "Orders start point: now" in str(screen.query_one("#write", Static).render())
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await settle(pilot)

    for written in (path, path.with_name("secrets.toml")):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert WOO_SECRET not in path.read_text()  # secrets live in secrets.toml only
    config = load_config(path)
    backend = config.connections["shop1"].backend
    assert (backend.point_of_sale, backend.warehouse) == (kor.POS_WEBSHOP_ID, kor.ORG_WAREHOUSE_ID)
    async with StateStore.open(config.engine.state_db) as store:
        taxes = await store.mappings.of_kind(MappingKind.TAX_CLASS, connection="shop1")
        since = await store.settings.get("orders.since", connection="shop1")
    assert taxes[kor.SECTOR_REDUCED_ID] == "reduced-rate"
    assert since is not None  # the dashboard's first start recorded the start point


async def test_wrong_credentials_stop_at_the_connection_test(tmp_path: Path, shop: Shop) -> None:
    app = TillsyncApp(tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, FirstRunScreen))
        screen = app.screen
        typed = {
            "woo_url": shop.woo_url,
            "consumer_key": WOO_KEY,
            "consumer_secret": "cs_wrong",
            "base_url": shop.korona_url,
            "account_id": kor.DEFAULT_ACCOUNT_ID,
            "user": kor.DEFAULT_USER,
            "password": "wrong",
        }
        for key, value in typed.items():
            screen.query_one(f"#f-{key}", Input).value = value
        screen = await next_step(pilot, "test")
        assert not screen.passed
        await next_step(pilot, "test")  # refuses to go on
        assert "must pass" in str(screen.query_one("#setup-error").render())
        await pilot.press("escape")
        await settle(pilot, engine=False)
    assert app.return_value == 1
    assert not (tmp_path / "config.toml").exists()
