"""Console test fixtures: seeded sandboxes and a console app factory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.runtime import views
from engine.runtime.views import Probe, Reachability
from tests.tui.seed import NOW, Shop, engine_factory, seed_state, shown_config, start_shop
from tui.app import TillsyncApp


@pytest.fixture
def shop() -> Iterator[Shop]:
    shop = start_shop()
    try:
        yield shop
    finally:
        shop.stop()


@pytest.fixture
def make_app(tmp_path: Path, shop: Shop) -> Callable[..., TillsyncApp]:
    """A console on the seeded shop, with the clock stopped at ``NOW``."""
    config = shown_config(tmp_path)
    asyncio.run(seed_state(config.engine.state_db, shop))
    factory = engine_factory(shop, tmp_path)

    def make(**options: Any) -> TillsyncApp:
        options.setdefault("start_engine", False)
        return TillsyncApp(
            config.source, config=config, engine_factory=factory, clock=lambda: NOW, **options
        )

    return make


@pytest.fixture
def steady_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reachability with fixed timings (the real probe is covered by the Pilot tests)."""

    async def probe(engine: object, connection: str, **_: object) -> Reachability:
        return Reachability(Probe(True, "reachable", 42), Probe(True, "reachable", 87))

    monkeypatch.setattr(views, "reachability", probe)
    for module in ("tui.screens.dashboard", "tui.screens.settings"):
        monkeypatch.setattr(f"{module}.reachability", probe, raising=False)
