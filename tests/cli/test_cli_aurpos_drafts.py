"""``tillsync orders drafts [--finalise]`` against the AurPOS sandbox: the orders the POS
keeps as drafts for short stock are listed, and made final once their stock is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.backends.aurpos.sell_body import OUT_OF_STOCK
from sandbox.aurpos.demo import DEMO_LOCATION
from sandbox.aurpos.sells import SellBook
from tui.commands.demo import DemoSandboxes, start_sandboxes, write_demo_config

from .installation import Installation


@pytest.fixture
def demo() -> Iterator[DemoSandboxes]:
    running = start_sandboxes(products=6, backend="aurpos")
    try:
        yield running
    finally:
        running.stop()


def _short_draft(demo: DemoSandboxes, number: str) -> tuple[int, int]:
    """A sell saved as a draft for short stock, as the adapter books it; (sell, variation)."""
    pos = demo.backoffice.sandbox
    product = next(
        p for p in pos.products.values()
        if p["type"] == "single" and p["enable_stock"]
        and DEMO_LOCATION in p["product_locations_ids"]
    )  # fmt: skip
    variation = product["product_variations"][0]["variations"][0]
    pos.set_stock(variation["id"], DEMO_LOCATION, 0)
    line = {"product_id": product["id"], "variation_id": variation["id"], "quantity": 2}
    (sell,) = SellBook(pos).create_all(
        [{"location_id": DEMO_LOCATION, "contact_id": 1, "status": "draft", "invoice_no": number,
          "staff_note": f"tillsync WC-{number} · {OUT_OF_STOCK} {variation['sub_sku']}",
          "products": [line]}],
        "tillsync",
    )  # fmt: skip
    return sell["id"], variation["id"]


def test_drafts_are_listed_then_made_final_once_stock_is_back(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    write_demo_config(tmp_path, demo)
    install = Installation(tmp_path, tuple(demo.backoffice.backend_secrets().values()))
    sell_id, variation = _short_draft(demo, "1042")
    pos = demo.backoffice.sandbox
    sku = next(v["sub_sku"] for _, v in [pos.variations()[variation]])

    listed = install.run("orders", "drafts")
    assert listed.code == 0, listed.output
    assert "1 order(s) kept as drafts" in listed.stdout
    assert "1042" in listed.stdout and f"short: {sku} 0 of 2" in listed.stdout

    still_short = install.run("orders", "drafts", "--finalise")
    assert still_short.code == 0, still_short.output
    assert "No draft has its stock back yet." in still_short.stdout
    assert pos.sells[sell_id]["status"] == "draft"

    pos.set_stock(variation, DEMO_LOCATION, 5)
    done = install.run("orders", "drafts", "--finalise")
    assert done.code == 0, done.output
    assert "Made final: 1042" in done.stdout
    assert "No order is waiting as a draft for stock." in done.stdout
    assert pos.sells[sell_id]["status"] == "final"
    assert pos.stock(variation, DEMO_LOCATION) == 3  # the final sell took its stock


def test_a_back_office_without_drafts_is_told_so(install: Installation) -> None:
    done = install.run("orders", "drafts")
    assert done.code == 2
    assert "keeps no drafts for short stock" in done.stderr


def test_with_the_service_running_the_service_finalises(
    tmp_path: Path, demo: DemoSandboxes
) -> None:
    """Attached: the running service lists and finalises (its order worker's process stays
    the one writer to the POS), and the admin's action is in the service's log."""
    write_demo_config(tmp_path, demo)
    install = Installation(tmp_path, tuple(demo.backoffice.backend_secrets().values()))
    sell_id, variation = _short_draft(demo, "1042")
    pos = demo.backoffice.sandbox
    pos.set_stock(variation, DEMO_LOCATION, 5)
    service = install.spawn("run", "--headless")
    try:
        service.wait_for("control socket listening on")
        done = install.run("orders", "drafts", "--finalise")
        assert done.code == 0, done.output
        assert "Made final: 1042" in done.stdout
        assert pos.sells[sell_id]["status"] == "final"
        service.wait_for("drafts made final by the admin: 1042")
    finally:
        service.stop()
