"""``tillsync demo --backend nexopos``: the demo config points at a seeded NexoPOS sandbox
that the configured adapter reaches and passes doctor against."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from engine.backends import create_backend
from engine.config import load_config
from tui.cli import build_parser
from tui.commands.demo import start_sandboxes, write_demo_config


async def _check_and_read(backend) -> tuple[bool, int]:
    try:
        result = await backend.check()
        products = [p async for page in backend.read_products() for p in page.items]
    finally:
        await backend.aclose()
    return result.ok, len(products)


def test_the_nexopos_demo_config_reaches_its_sandbox(tmp_path: Path) -> None:
    assert build_parser().parse_args(["demo", "--backend", "nexopos"]).backend == "nexopos"
    demo = start_sandboxes(products=6, backend="nexopos")
    try:
        config = load_config(write_demo_config(tmp_path, demo))
        section = config.connections["demo"].backend
        assert section.type == "nexopos" and section.import_till_sales  # both directions
        secrets = (tmp_path / "secrets.toml").read_text()
        token = demo.backoffice.backend_secrets()["token"]
        assert token in secrets and token not in (tmp_path / "config.toml").read_text()
        backend = create_backend("nexopos", section.adapter_settings())
        assert asyncio.run(_check_and_read(backend)) == (True, 6)
    finally:
        demo.stop()


def test_the_demo_cashier_rings_up_till_sales() -> None:
    from sandbox.nexopos.demo import NexoDemo

    demo = NexoDemo(products=4, till_every=0.05)
    try:
        deadline = time.monotonic() + 10
        while not demo.sandbox.sales() and time.monotonic() < deadline:
            time.sleep(0.05)
        (sale, *_) = demo.sandbox.sales()
        assert sale["payment_status"] == "paid" and not sale["title"]
        assert [line["product_id"] is None for line in sale["products"]] == [False, True]
    finally:
        demo.stop()
