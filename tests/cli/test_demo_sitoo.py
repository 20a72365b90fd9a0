"""``tillsync demo --backend sitoo``: the demo config points at a seeded Sitoo sandbox,
validates with the Sitoo model, and the connection it describes passes its check."""

from __future__ import annotations

from pathlib import Path

from engine.backends.sitoo import create_sitoo_backend
from engine.config import load_config
from engine.runtime import Engine
from sandbox.sitoo import WAREHOUSE_STORE
from sandbox.sitoo.demo import CAC_METHOD
from tui.commands.demo import (
    OrderTrickle,
    seed_demo_mappings,
    start_sandboxes,
    write_demo_config,
)


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


async def test_the_sitoo_demo_trickle_shows_click_and_collect_and_store2door(
    tmp_path: Path,
) -> None:
    """Issue 16's demo: one checkout in six is a pick-up, booked open on the store's
    warehouse; a store's home-delivery order comes down to WooCommerce meanwhile."""
    demo = start_sandboxes(products=12, backend="sitoo")
    sb = demo.backoffice.sandbox
    try:
        config = load_config(write_demo_config(tmp_path, demo))
        await seed_demo_mappings(config.engine.state_db, backend="sitoo")
        engine = await Engine.open(config)
        try:  # what the demo's first job does: the shop gets Sitoo's catalog
            await engine.run_job("catalog", "demo")
            trickle = OrderTrickle(demo)
            placed = [trickle.place_one() for _ in range(6)]
            await engine.run_job("orders_poll", "demo")  # books, and brings orders down
        finally:
            await engine.close(timeout=5)
        with demo.woo.lock:
            pickups = [i for i in placed if i and _method(demo.woo.orders[i]) == CAC_METHOD]
            from_store = [o for o in demo.woo.orders.values() if o.get("created_via") != "checkout"]
        (pickup,) = pickups
        with sb.lock:
            booked = [o for o in sb.orders.values() if str(o.get("externalid", "")).endswith(
                f"-{pickup}-0")]  # fmt: skip
        (order,) = booked
        assert order["warehouseid"] == WAREHOUSE_STORE and order["orderstateid"] == 0
        assert len(from_store) == 2  # the seeded Store2Door order and the trickle's
    finally:
        demo.stop()


def _method(order: dict) -> str | None:
    lines = order.get("shipping_lines") or []
    return lines[0].get("method_id") if lines else None
