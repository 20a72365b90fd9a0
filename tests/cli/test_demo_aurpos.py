"""``tillsync demo --backend aurpos``: the AurPOS demo, its config, and its draft mishap."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from engine.backends import available_backends, backend_entry
from engine.config import load_config
from engine.errors import ConfigError
from engine.runtime.views_setup import demo_entry
from sandbox.aurpos.demo import DEMO_LOCATION
from tui.cli import build_parser
from tui.commands.demo import start_sandboxes, write_demo_config


def test_demo_takes_a_backend_option() -> None:
    assert build_parser().parse_args(["demo", "--backend", "aurpos"]).backend == "aurpos"
    assert build_parser().parse_args(["demo"]).backend is None
    assert demo_entry("aurpos").name == "aurpos"
    assert demo_entry().name != "aurpos"  # never the default
    without = [n for n in available_backends() if not backend_entry(n).demo]
    if without:
        with pytest.raises(ConfigError, match="has no demo"):
            demo_entry(without[0])


def test_the_aurpos_demo_config_and_its_draft_then_restock(tmp_path: Path) -> None:
    demo = start_sandboxes(products=6, backend="aurpos")
    try:
        config = load_config(write_demo_config(tmp_path, demo))
        backend = config.connections["demo"].backend
        assert backend.type == "aurpos" and backend.location == str(DEMO_LOCATION)
        secrets = (tmp_path / "secrets.toml").read_text()
        for value in demo.backoffice.backend_secrets().values():
            assert value in secrets and value not in (tmp_path / "config.toml").read_text()
        pos = demo.backoffice.sandbox
        product = next(p for p in pos.products.values() if p["type"] == "single")
        variation = product["product_variations"][0]["variations"][0]["id"]
        demo.backoffice.restock_after = 0.2
        demo.backoffice.remove_product(product["sku"])
        assert pos.stock(variation, DEMO_LOCATION) == 0  # the next order of it is a draft
        deadline = time.monotonic() + 5
        while pos.stock(variation, DEMO_LOCATION) == 0:
            assert time.monotonic() < deadline, "never restocked"
            time.sleep(0.02)
        assert pos.stock(variation, DEMO_LOCATION) == Decimal(25)
    finally:
        demo.stop()
