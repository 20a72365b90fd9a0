"""``tillsync full-sync``, ``fix-sku`` and ``test-tools`` on a Sitoo connection: the real
entry point as a subprocess, the WooCommerce and Sitoo sandboxes over loopback (the
demo's configuration, in test mode), and once attached to a running service."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import sitoo
from tui.commands.demo import (
    DEMO_CONNECTION,
    seed_demo_mappings,
    start_sandboxes,
    write_demo_config,
)

from .installation import Installation, offline_install

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Installation, object]]:
    demo = start_sandboxes(products=8, backend="sitoo")
    try:
        write_demo_config(tmp_path, demo)
        asyncio.run(seed_demo_mappings(tmp_path / "state.db", DEMO_CONNECTION, "sitoo"))
        secrets = (demo.backoffice.sandbox.password, "cs_demo_0000000000000000000000000000000000")
        yield Installation(tmp_path, secrets), demo
    finally:
        demo.stop()


def _live(install: Installation) -> None:
    """The same account as the live credential set: only the mode differs."""
    for name in ("config.toml", "secrets.toml"):
        path = install.folder / name
        text = path.read_text().replace('mode = "test"', 'mode = "live"')
        path.write_text(text.replace("test_", ""))


def _cursor(install: Installation, name: str) -> list[tuple]:
    return install.query(f"SELECT value FROM cursors WHERE name = '{name}'")


def test_full_sync_runs_its_steps_in_order_and_is_refused_on_a_short_quota(shop) -> None:
    install, demo = shop
    done = install.run("full-sync", "--ignore-errors", timeout=150)
    assert "Done: catalog, coupons, stock, orders" in done.stdout, done.output
    assert "a full sync needs at least" in done.stdout
    assert install.query("SELECT COUNT(*) FROM links WHERE kind = 'product'")[0][0] > 0
    demo.backoffice.sandbox.quota = sitoo.Quota(limit=4, window=3600)
    refused = install.run("full-sync")
    assert refused.code == 1, refused.output
    assert "full sync refused: a full sync needs at least" in refused.stderr
    assert "left" in refused.stderr and "Done:" not in refused.stdout


def test_fix_sku_shows_the_dry_run_then_writes_only_with_yes(shop) -> None:
    install, demo = shop
    demo.woo.seed_demo(products=3, rng_seed=7)
    with demo.woo.lock:
        first = min(demo.woo.products)
    demo.woo.edit_product(first, {"sku": "A B"})
    dry = install.run("fix-sku", "--prefix", "FIX-")
    assert dry.code == 0, dry.output
    assert f"#{first}: A B → A-B" in dry.stdout and "Add --yes" in dry.stdout
    assert demo.woo.products[first]["sku"] == "A B"  # the dry run wrote nothing
    fixed = install.run("fix-sku", "--prefix", "FIX-", "--yes")
    assert fixed.code == 0, fixed.output
    assert f"#{first}: A B → A-B" in fixed.stdout and "Fixed 1 of 1" in fixed.stdout
    assert demo.woo.products[first]["sku"] == "A-B"
    bad = install.run("fix-sku", "--prefix", "no spaces")
    assert bad.code == 2 and "must itself fit" in bad.stderr


def test_clear_all_needs_the_typed_words_and_forgets_only_tillsyncs_memory(shop) -> None:
    install, demo = shop
    assert install.run("sync", "catalog", timeout=150).code == 0
    assert install.query("SELECT COUNT(*) FROM links")[0][0] > 0
    unconfirmed = install.run("test-tools", "clear-all")
    assert unconfirmed.code == 2 and "clear all demo" in unconfirmed.stderr
    wrong = install.run("test-tools", "clear-all", "--confirm", "clear all")
    assert wrong.code == 2 and install.query("SELECT COUNT(*) FROM links")[0][0] > 0
    products = len(demo.woo.products)
    cleared = install.run("test-tools", "clear-all", "--confirm", "clear all demo")
    assert cleared.code == 0, cleared.output
    assert "Nothing was deleted in either shop" in cleared.stdout
    assert install.query("SELECT COUNT(*) FROM links")[0][0] == 0
    assert install.query("SELECT COUNT(*) FROM mappings")[0][0] == 0
    assert len(demo.woo.products) == products


def test_reset_order_timestamp_moves_the_poll_cursor(shop) -> None:
    install, _ = shop
    moved = install.run("test-tools", "reset-order-timestamp", "--to", "2026-11-01T08:00")
    assert moved.code == 0, moved.output
    assert "after 2026-11-01 08:00:00 UTC" in moved.stdout
    assert _cursor(install, "orders.modified_after") == [("2026-11-01T08:00:00+00:00",)]
    bad = install.run("test-tools", "reset-order-timestamp", "--to", "soon")
    assert bad.code == 2 and "--to 'soon' is not a date" in bad.stderr


def test_the_test_mode_tools_refuse_in_live_mode(shop) -> None:
    install, _ = shop
    _live(install)
    for args in (("clear-all", "--confirm", "clear all demo"), ("reset-order-timestamp",)):
        refused = install.run("test-tools", *args)
        assert refused.code == 2, refused.output
        assert "only in the back office's test mode" in refused.stderr
    assert install.query("SELECT COUNT(*) FROM mappings")[0][0] > 0
    assert _cursor(install, "orders.modified_after") == []


def test_the_tools_run_in_the_service_when_it_runs(shop) -> None:
    install, _ = shop
    service = install.spawn("run", "--headless")
    try:
        service.wait_for("control socket listening on", timeout=60)
        moved = install.run("test-tools", "reset-order-timestamp", "--to", "2026-10-01")
        assert moved.code == 0, moved.output
        assert "after 2026-10-01 00:00:00 UTC" in moved.stdout
        dry = install.run("fix-sku")
        assert dry.code == 0, dry.output
    finally:
        service.stop()
    assert ("2026-10-01T00:00:00+00:00",) in _cursor(install, "orders.modified_after")


def test_fix_sku_is_refused_for_a_back_office_that_takes_any_sku(tmp_path: Path) -> None:
    install = offline_install(tmp_path / "korona")
    refused = install.run("fix-sku")
    assert refused.code == 2, refused.output
    assert "accepts any SKU; there is nothing to fix" in refused.stderr
