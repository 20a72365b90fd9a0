"""The started engine wires product webhooks to the push (issue 15, directions).

A back office that takes products from the shop (the writable minimal one,
registered through the entry point only) with ``directions.products =
"both"``: on start the engine installs a ``product.updated`` webhook in the
WooCommerce sandbox (no order topics: it books no sales), and an admin's
edit in the shop reaches the back office through the delivery, the hint
and the catalog job it asks for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.config import load_config
from engine.runtime import Engine, MappingKind
from engine.woo import WooClient
from sandbox.server import RunningServer
from sandbox.woocommerce import WooSandbox
from tests.integration.engine_harness import installed_plugin, running_woo, write_engine_config
from tests.integration.orders_harness import wait_until

WOO_KEY = "ck_pushed_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_pushed_0123456789abcdef0123456789abcdef"


@pytest.fixture
def two_way_installed(tmp_path: Path) -> Iterator[None]:
    entry_point = "minimal-two-way = minimal_backend.two_way:ENTRY"
    with installed_plugin(tmp_path / "site", "tillsync-two-way", entry_point):
        yield


@pytest.fixture
def woo() -> Iterator[tuple[WooSandbox, RunningServer]]:
    with running_woo(WOO_KEY, WOO_SECRET) as running:
        yield running


def _config(folder: Path, woo_url: str) -> Path:
    backend = 'type = "minimal-two-way"\napi_key = "right-key"\nshelf = "shelf-a"'
    woo = (woo_url, WOO_KEY, WOO_SECRET, "push-engine-secret-9fQ")
    return write_engine_config(folder, woo=woo, backend=backend, products="both")


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
