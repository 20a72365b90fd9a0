"""``tillsync demo --backend kros``: the KROS entry's demo, its config and its mishaps."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from engine.backends import create_backend
from engine.backends.base import IdempotencyKey
from engine.config import load_config
from engine.runtime import Engine
from engine.runtime.views_setup import demo_entry
from engine.sync.orders.mapping import order_from_woo
from sandbox.woocommerce.order_view import render_order
from tui.cli import build_parser
from tui.commands.demo import (
    OrderTrickle,
    seed_demo_mappings,
    start_sandboxes,
    write_demo_config,
)


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


async def test_the_kros_demo_shows_a_foreign_currency_order(tmp_path: Path) -> None:
    """Issue 18's demo: one checkout in six is in US dollars, and KROS gets it in USD
    with the day's ECB rate (the demo company books in EUR)."""
    demo = start_sandboxes(products=12, backend="kros")
    try:
        config = load_config(write_demo_config(tmp_path, demo))
        await seed_demo_mappings(config.engine.state_db, backend="kros")
        engine = await Engine.open(config)
        try:  # what the demo's first job does: the shop gets the KROS stock cards
            await engine.run_job("catalog", "demo")
        finally:
            await engine.close(timeout=5)
        trickle = OrderTrickle(demo)
        placed = [trickle.place_one() for _ in range(6)]
        with demo.woo.lock:
            currencies = [demo.woo.orders[i]["currency"] for i in placed if i is not None]
        assert currencies.count("USD") == 1 and currencies.count("EUR") == 5
        (dollars,) = [i for i in placed if i and demo.woo.orders[i]["currency"] == "USD"]
        with demo.woo.lock:
            data = render_order(demo.woo, demo.woo.orders[dollars], demo.woo.site_for())
        order = order_from_woo(data)
        paid = replace(order.payment, backoffice_method_id="Dobierka")
        backend = create_backend("kros", config.connections["demo"].adapter_settings())
        try:
            await backend.create_sale(replace(order, payment=paid), IdempotencyKey("demo", 1, 0))
        finally:
            await backend.aclose()
        made = demo.backoffice.sandbox.documents["invoices"]
        for _ in range(250):  # KROS answers 202 and makes the document a moment later
            if made:
                break
            await asyncio.sleep(0.02)
        (document,) = made
        assert document["currency"] == "USD" and document["exchangeRate"] > 0
        assert "ECB" in document["internalNote"]
    finally:
        demo.stop()
