"""The started engine wires product webhooks to the push (issue 15, directions).

A back office that takes products from the shop (the writable minimal one,
registered through the entry point only) with ``directions.products =
"both"``: on start the engine installs a ``product.updated`` webhook in the
WooCommerce sandbox (no order topics: it books no sales), and an admin's
edit in the shop reaches the back office through the delivery, the hint
and the catalog job it asks for.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.backends import unregister_backend
from engine.config import load_config
from engine.runtime import Engine, MappingKind
from engine.woo import WooClient
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app
from tests.integration.orders_harness import wait_until

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_backend"
WOO_KEY = "ck_pushed_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_pushed_0123456789abcdef0123456789abcdef"


@pytest.fixture
def two_way_installed(tmp_path: Path) -> Iterator[None]:
    site = tmp_path / "site"
    info = site / "tillsync_two_way-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tillsync-two-way\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[tillsync.backends]\nminimal-two-way = minimal_backend.two_way:ENTRY\n", encoding="utf-8"
    )
    added = [str(site), str(FIXTURE)]
    sys.path[:0] = added
    try:
        yield
    finally:
        for path in added:
            sys.path.remove(path)
        unregister_backend("minimal-two-way")
        for name in [m for m in sys.modules if m.startswith("minimal_backend")]:
            sys.modules.pop(name)


@pytest.fixture
def woo() -> Iterator[tuple[WooSandbox, RunningServer]]:
    sandbox = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    server = start_server(create_app(sandbox))
    sandbox.site_url = server.url
    try:
        yield sandbox, server
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(folder: Path, woo_url: str) -> Path:
    port = _free_port()
    path = folder / "config.toml"
    path.write_text(
        f"""
[engine]
state_db = "{folder / "state.db"}"
timezone = "UTC"

[webhooks]
port = {port}
public_url = "http://127.0.0.1:{port}/webhooks"

[connections.shop1.woo]
url = "{woo_url}"
consumer_key = "{WOO_KEY}"
consumer_secret = "{WOO_SECRET}"
webhook_secret = "push-engine-secret-9fQ"

[connections.shop1.backend]
type = "minimal-two-way"
api_key = "right-key"
shelf = "shelf-a"

[connections.shop1.directions]
products = "both"
""",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


async def test_an_edit_in_the_shop_reaches_the_back_office_through_its_webhook(
    two_way_installed: None, woo, tmp_path: Path
) -> None:
    sandbox, server = woo
    engine = await Engine.open(load_config(_config(tmp_path, server.url)))
    backend = engine.connection("shop1").backend
    try:
        await engine.save_mappings(
            MappingKind.TAX_CLASS, {"std": "", "low": "reduced-rate"}, "shop1"
        )
        await engine.start()

        async def hooked() -> bool:
            return {h["topic"] for h in sandbox.webhooks.values()} == {"product.updated"}

        await wait_until(hooked, within=10)
        engine.run_now("catalog", "shop1")

        async def created() -> bool:
            return len(sandbox.products) == 3

        await wait_until(created, within=10)
        woo_id = next(p["id"] for p in sandbox.products.values() if p["sku"] == "MIN-1")
        async with WooClient(server.url, WOO_KEY, WOO_SECRET) as admin:
            await admin.update_product(woo_id, {"name": "Edited in wp-admin"})

        async def pushed() -> bool:
            return backend.products["m-1"].name == "Edited in wp-admin"  # type: ignore[attr-defined]

        await wait_until(pushed, within=10)
    finally:
        await engine.close(timeout=5)
