"""Shop changes reach Sitoo at once through WooCommerce webhooks, with the service
running: a new shop product and a new coupon are pushed by the delivery's hint,
not left to the catalog schedule (12 hours here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.config import load_config
from engine.runtime import Engine
from engine.woo import WooClient
from sandbox import sitoo

from .engine_harness import write_engine_config
from .orders_harness import wait_until
from .sitoo_harness import WOO_KEY, WOO_SECRET, sitoo_and_shop

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def shop() -> Iterator[tuple]:
    with sitoo_and_shop(products=6) as running:
        running[2].site_url = running[3].url
        yield running


def _config(folder: Path, shop: tuple) -> Path:
    sb, server, _woo, woo_server = shop
    backend = f"""
type = "sitoo"
mode = "test"
test_base_url = "{server.url}/v2/accounts/{sb.account_id}"
test_api_id = "{sb.api_id}"
eshopid = {sitoo.ESHOP_ID}
warehouse = "{sitoo.WAREHOUSE_WEB}"
pricelist = "{sitoo.PRICELIST_WEBSHOP}"
"""
    woo = (woo_server.url, WOO_KEY, WOO_SECRET, "sitoo-engine-secret-7Qz")
    secrets = f'[connections.shop1.backend]\ntest_password = "{sb.password}"\n'
    path = write_engine_config(folder, woo=woo, backend=backend, products="push", secrets=secrets)
    path.write_text(path.read_text() + '\n[schedules]\ncatalog = "every 12 hours"\n')
    return path


async def test_a_new_product_and_a_coupon_reach_sitoo_through_their_webhooks(
    shop: tuple, tmp_path: Path
) -> None:
    sb, _server, woo, woo_server = shop
    engine = await Engine.open(load_config(_config(tmp_path, shop)))
    try:
        wanted = set(engine.connection("shop1").webhook_topics)
        assert {"product.created", "coupon.created", "coupon.updated"} <= wanted
        await engine.start()

        async def hooked() -> bool:
            return wanted <= {h["topic"] for h in woo.webhooks.values()}

        await wait_until(hooked, within=10)
        async with WooClient(woo_server.url, WOO_KEY, WOO_SECRET) as admin:
            await admin.post("coupons", {"code": "hooked5", "discount_type": "percent",
                                         "amount": "5"})  # fmt: skip
            await admin.post("products", {"name": "Hooked", "sku": "HOOK-1",
                                          "regular_price": "9.00"})  # fmt: skip

        async def in_sitoo() -> bool:
            with sb.lock:
                codes = {v["vouchercode"].lower() for v in sb.vouchers.values()}
                skus = {p["sku"] for p in sb.products.values()}
            return "hooked5" in codes and "HOOK-1" in skus

        await wait_until(in_sitoo, within=20)
    finally:
        await engine.close(timeout=5)
