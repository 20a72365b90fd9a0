"""The Fix SKU tool against the WooCommerce sandbox: a dry run first that shows the
diff and writes nothing, then exactly the previewed SKUs are written."""

from __future__ import annotations

import pytest

from engine.backends.sitoo.fix_sku import FixSku, fixed_sku
from engine.backends.sitoo.writes import sku_problem
from engine.errors import ConfigError
from engine.woo import WooClient
from sandbox.server import start_server
from sandbox.woocommerce import WooSandbox, create_app

from .test_sitoo_catalog import WOO_KEY, WOO_SECRET

pytestmark = pytest.mark.timeout(60)


def test_fixed_skus_fit_the_pattern() -> None:
    assert fixed_sku("", 12, "FIX-") == "FIX-12"
    assert fixed_sku("A B/ü", 3, "FIX-") == "A-B/-"
    assert fixed_sku("SIT-1001", 3, "FIX-") is None
    assert sku_problem(fixed_sku("a\tb", 1, "") or "") is None


async def test_dry_run_first_then_exactly_the_previewed_skus() -> None:
    woo = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    woo.seed_demo(products=5, rng_seed=7)
    server = start_server(create_app(woo))
    client = WooClient(server.url, WOO_KEY, WOO_SECRET)
    try:
        with woo.lock:
            ids = sorted(woo.products)
        spaced = woo.edit_product(ids[0], {"sku": "A B"})["id"]
        blank = woo.edit_product(ids[1], {"sku": ""})["id"]
        tool = FixSku(client, prefix="FIX-")
        with pytest.raises(ConfigError, match="dry run first"):
            await tool.apply(type(await tool.preview())("FIX-", ()))
        plan = await tool.preview()
        assert f"#{spaced}: A B → A-B" in plan.diff()
        assert f"#{blank}: (empty) → FIX-{blank}" in plan.diff()
        with woo.lock:
            assert woo.products[spaced]["sku"] == "A B"  # the preview wrote nothing
        written = await tool.apply(plan)
        with woo.lock:
            skus = {pid: p.get("sku") for pid, p in woo.products.items()}
        assert {f.woo_id for f in written} == {f.woo_id for f in plan.fixes}
        assert skus[spaced] == "A-B" and skus[blank] == f"FIX-{blank}"
        assert all(sku_problem(sku or "") is None for sku in skus.values())
    finally:
        await client.aclose()
        server.stop()
