"""``tillsync demo --backend kros``: the KROS entry's demo, its config and its mishaps."""

from __future__ import annotations

from pathlib import Path

from engine.backends import create_backend
from engine.config import load_config
from engine.runtime.views_setup import demo_entry
from tui.cli import build_parser
from tui.commands.demo import start_sandboxes, write_demo_config


async def test_the_kros_demo_config_works_against_its_sandbox(tmp_path: Path) -> None:
    assert build_parser().parse_args(["demo", "--backend", "kros"]).backend == "kros"
    assert demo_entry().name != "kros"  # built on inferred facts: only when asked for
    demo = start_sandboxes(products=6, backend="kros")
    try:
        config = load_config(write_demo_config(tmp_path, demo))
        connection = config.connections["demo"]
        assert connection.backend.type == "kros"
        for key, value in demo.backoffice.backend_config("demo").items():
            assert str(getattr(connection.backend, key)) == value, key
        backend = create_backend("kros", connection.adapter_settings())
        try:
            checks = {item.name: item for item in (await backend.check()).items}
            assert checks["token"].ok and checks["numbering sequence"].ok
            codes = {c.id async for page in backend.read_tax_codes() for c in page.items}
            assert codes == set(demo.backoffice.tax_classes)
            demo.backoffice.stumble()
            demo.backoffice.remove_product("K1000")
            skus = [p.sku async for page in backend.read_products() for p in page.items]
            assert "K1000" not in skus and len(skus) == 5  # served after two 503s
            assert demo.backoffice.sandbox.stats.statuses[503] == 2
        finally:
            await backend.aclose()
    finally:
        demo.stop()
