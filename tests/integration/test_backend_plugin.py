"""A back office added from outside the core, through the entry point only (issue 15).

The minimal back office (tests/fixtures/minimal_backend/) is registered the
way an installed package is: a dist-info folder with an ``entry_points.txt``
on ``sys.path``.  No engine or tui file knows it, yet the setup wizard,
doctor, the mappings view and a catalog sync work with it, against a real
WooCommerce sandbox on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, Select

from engine.backends import available_backends, backend_entry
from engine.config import load_config, write_starter_files
from engine.runtime import Engine, MappingKind
from engine.runtime.views import console_offers, mapping_sections
from engine.runtime.views_setup import SetupAnswers, write_setup
from sandbox.server import RunningServer
from tests.integration.engine_harness import installed_plugin, running_woo
from tests.tui.pilot import until
from tui.screens.first_run import FirstRunScreen
from tui.widgets.mapping_editor import MappingEditor

WOO_KEY = "ck_plugin_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_plugin_0123456789abcdef0123456789abcdef"


@pytest.fixture
def minimal_installed(tmp_path: Path) -> Iterator[None]:
    """The plugin's metadata in a site folder of its own, as ``pip install`` leaves it."""
    with installed_plugin(tmp_path / "site", "tillsync-minimal", "minimal = minimal_backend:ENTRY"):
        yield


@pytest.fixture
def woo() -> Iterator[RunningServer]:
    with running_woo(WOO_KEY, WOO_SECRET) as (store, server):
        server.store = store  # type: ignore[attr-defined]
        yield server


def _answers(woo: RunningServer, tmp_path: Path) -> SetupAnswers:
    return SetupAnswers(
        woo_url=woo.url,
        consumer_key=WOO_KEY,
        consumer_secret=WOO_SECRET,
        backend_type="minimal",
        timezone="UTC",
        state_db=str(tmp_path / "state.db"),
        api_key="right-key",
        shelf="shelf-a",
    )


def test_the_entry_point_registers_it(minimal_installed: None) -> None:
    assert "minimal" in available_backends()
    assert backend_entry("minimal").title == "Minimal Till"


async def test_the_wizard_asks_its_own_questions_and_writes_a_config(
    minimal_installed: None, woo: RunningServer, tmp_path: Path
) -> None:
    """The whole first run on the plugin: its fields, its doctor, its place, its taxes."""
    path = tmp_path / "wizard" / "config.toml"
    done: list[Path | None] = []
    app = App()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = FirstRunScreen(path, SetupAnswers(backend_type="minimal"))
        await app.push_screen(screen, done.append)
        await pilot.pause()
        assert screen.query_one("#f-api_key", Input).password  # its secret is masked
        assert screen.query_one("#f-backend_type", Select).value == "minimal"
        assert not screen.query("#f-account_id")  # no other back office's question
        assert [s.id for s in screen.query("#place Select")] == ["p-shelf"]
        typed = {"woo_url": woo.url, "consumer_key": WOO_KEY}
        typed |= {"consumer_secret": WOO_SECRET, "api_key": "right-key"}
        for key, value in typed.items():
            screen.query_one(f"#f-{key}", Input).value = value
        await _next(pilot, screen, "test")
        await until(pilot, lambda: screen.passed)
        await _next(pilot, screen, "place")
        screen.query_one("#p-shelf", Select).value = "shelf-a"
        await _next(pilot, screen, "taxes")
        editor = screen.query_one(MappingEditor)
        for index, target in enumerate(("", "reduced-rate")):
            editor.query_one(f"#row-{index} Select", Select).value = target
        await _next(pilot, screen, "write")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: bool(done))
    assert done == [path]
    backend = load_config(path).connections["shop1"].backend
    assert (backend.type, backend.shelf) == ("minimal", "shelf-a")
    assert backend.api_key.get_secret_value() == "right-key"
    assert "right-key" not in path.read_text()


async def _next(pilot, screen: FirstRunScreen, step: str) -> None:
    await pilot.press("ctrl+n")
    await until(pilot, lambda: screen.step == step)


async def test_wizard_doctor_mappings_and_catalog_sync(
    minimal_installed: None, woo: RunningServer, tmp_path: Path
) -> None:
    path = write_setup(_answers(woo, tmp_path), tmp_path / "conf" / "config.toml")
    assert "right-key" not in path.read_text()  # the entry's secret went to secrets.toml
    config = load_config(path)
    assert type(config.connections["shop1"].backend).__name__ == "MinimalSettings"

    engine = await Engine.open(config)
    try:
        report = await engine.doctor("shop1")
        checks = {c.name: c for c in report.checks}
        assert checks["minimal: connection"].message == "the key was accepted"
        assert report.failures == (), report.failures

        sections = {s.kind: s for s in await mapping_sections(engine, "shop1")}
        # it books no orders: no payment or order-status mapping is offered, nor void
        assert set(sections) == {MappingKind.TAX_CLASS, MappingKind.LOCATION}
        offers = console_offers(engine, "shop1")
        assert not (offers.book_orders or offers.void or offers.push_jobs or offers.invoices)
        assert offers.locations
        taxes = sections[MappingKind.TAX_CLASS]
        assert taxes.help == "Till tax code → WooCommerce tax class"
        assert [row.source for row in taxes.rows] == ["std", "low"]
        (shelf,) = sections[MappingKind.LOCATION].rows
        assert (shelf.source, shelf.current) == ("shelf", "shelf-a")
        assert [o.value for o in shelf.options] == ["shelf-a"]

        await engine.save_mappings(
            MappingKind.TAX_CLASS, {"std": "", "low": "reduced-rate"}, "shop1"
        )
        await engine.run_job("catalog", "shop1")
    finally:
        await engine.close(timeout=5)
    skus = sorted(p.get("sku") for p in woo.store.products.values())  # type: ignore[attr-defined]
    assert skus == ["MIN-1", "MIN-2", "MIN-3"]


def test_init_writes_its_commented_starter_section(minimal_installed: None, tmp_path: Path) -> None:
    config_path, secrets_path = write_starter_files(
        tmp_path / "config.toml", timezone="UTC", backend="minimal"
    )
    assert 'type = "minimal"\n# The API key: in secrets.toml.' in config_path.read_text()
    assert 'api_key = "change-me"' in secrets_path.read_text()
    backend = load_config(config_path).connections["shop1"].backend
    assert backend.type == "minimal"
