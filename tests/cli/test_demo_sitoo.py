"""``tillsync demo --backend sitoo``: the demo config points at a seeded Sitoo sandbox,
validates with the Sitoo model, and the connection it describes passes its check."""

from __future__ import annotations

from pathlib import Path

from engine.backends.sitoo import create_sitoo_backend
from engine.config import load_config
from tui.commands.demo import start_sandboxes, write_demo_config


async def test_the_sitoo_demo_config_connects_and_its_orders_flow(tmp_path: Path) -> None:
    demo = start_sandboxes(products=10, backend="sitoo")
    try:
        config = load_config(write_demo_config(tmp_path, demo))
        section = config.connections["demo"].backend
        assert section.type == "sitoo" and section.mode == "test"
        backend = create_sitoo_backend(section.adapter_settings())
        try:
            result = await backend.check()
            families = [p async for page in backend.read_products() for p in page.items]
            coming = [o async for page in backend.read_orders() for o in page.items]
        finally:
            await backend.aclose()
        assert result.ok, result.summary
        assert any(p.variants for p in families)  # variants for the Products screen
        assert [o.kind for o in coming] == ["store2door"]  # a Store2Door order comes down
        assert demo.backoffice.sandbox.password not in (tmp_path / "config.toml").read_text()
        demo.backoffice.stumble()
        assert demo.backoffice.sandbox.knobs.scripted == ["503", "503"]
    finally:
        demo.stop()
