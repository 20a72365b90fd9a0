"""A Sitoo connection's mode (TEST / LIVE) in the console's title bar, through the
back office's badge; a back office without a badge keeps the plain title."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.config import load_config
from engine.runtime.badges import console_title
from tests.cli.installation import offline_install
from tests.tui.pilot import until
from tui.app import TillsyncApp
from tui.commands.demo import DemoSandboxes, start_sandboxes, write_demo_config

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def demo() -> Iterator[DemoSandboxes]:
    sandboxes = start_sandboxes(products=5, backend="sitoo")
    try:
        yield sandboxes
    finally:
        sandboxes.stop()


def _go_live(folder: Path) -> None:
    """The live credential set, pointing at the same sandbox account."""
    for name in ("config.toml", "secrets.toml"):
        path = folder / name
        text = path.read_text().replace('mode = "test"', 'mode = "live"')
        path.write_text(text.replace("test_", ""))


async def test_the_title_bar_shows_the_sitoo_mode(tmp_path: Path, demo: DemoSandboxes) -> None:
    config = load_config(write_demo_config(tmp_path, demo))
    app = TillsyncApp(config.source, config=config, start_engine=False)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        assert app.title == "tillsync · demo [TEST]"


def test_live_mode_is_named_and_a_back_office_without_a_badge_keeps_the_plain_title(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    path = write_demo_config(tmp_path, demo)
    _go_live(tmp_path)
    assert console_title(load_config(path), "demo") == "tillsync · demo [LIVE]"
    korona = offline_install(tmp_path / "korona")  # KORONA declares no badge
    assert console_title(load_config(korona.config_path), "shop1") == "tillsync"
    assert console_title(load_config(path), "no-such-connection") == "tillsync"
