"""The admin commands beside the engine: orders, mappings, links, logs."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path

from engine.store import OrderSource, StateStore

from .conftest import Sandboxes
from .installation import CONNECTION, TAX_MAPPINGS, Installation

REQUEST = '{"method": "POST", "url": "https://korona.example/receipts", "auth": "***"}'
RESPONSE = '{"status": 422, "body": {"message": "product 10001 is not sold at this POS"}}'


async def _seed_orders(db: Path) -> None:
    """Two orders as the worker would leave them: one failed (dead letter), one done."""
    async with StateStore.open(db) as store:
        at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
        for order_id in (501, 502):
            payload = {"id": order_id, "status": "completed", "line_items": []}
            await store.outbox.enqueue(
                order_id, at, payload, OrderSource.WEBHOOK, connection=CONNECTION
            )
        await store.outbox.claim_due(connection=CONNECTION)
        await store.outbox.mark_failed(
            501, kind="validation", error="KORONA rejected the receipt", hint="",
            request=REQUEST, response=RESPONSE, connection=CONNECTION,
        )  # fmt: skip
        await store.outbox.mark_done(502, "receipt-77", connection=CONNECTION)


def test_orders_list_show_skip_retry(install: Installation):
    asyncio.run(_seed_orders(install.state_db))

    failed = install.run("orders", "list", "--state", "failed")
    assert failed.code == 0
    assert "501  failed" in failed.stdout and "502" not in failed.stdout

    shown = install.run("orders", "show", "501")
    assert shown.code == 0, shown.output
    for text in ("Order #501 — failed (from webhook, 1 attempts)", "Error (validation): KORONA",
                 "→ The remote rejected the data", "waiting → in_flight", "Last request:",
                 "not sold at this POS"):  # fmt: skip
        assert text in shown.stdout, text

    skipped = install.run("orders", "skip", "501", "--reason", "booked by hand")
    assert "Order #501 is skipped" in skipped.stdout
    retried = install.run("orders", "retry", "501")
    assert "Order #501 is waiting again" in retried.stdout
    assert install.query("SELECT state FROM outbox WHERE woo_order_id = 501") == [("waiting",)]

    refused = install.run("orders", "skip", "502")
    assert refused.code == 1
    assert "order #502 (shop1) is done: cannot skip it" in refused.stderr
    assert "cancelling it in WooCommerce" in refused.stderr


def test_mappings_round_trip_and_a_bad_file(install: Installation, tmp_path: Path):
    source = tmp_path / "in.toml"
    source.write_text(TAX_MAPPINGS + '\n[payment]\n"cod" = "1"\n')
    imported = install.run("mappings", "import", str(source))
    assert imported.code == 0
    assert "Imported 4 mappings" in imported.stdout
    exported = tmp_path / "out.toml"
    assert install.run("mappings", "export", str(exported)).code == 0
    text = exported.read_text()
    assert '[payment]\n"cod" = "1"' in text
    assert '"reduced-rate"' in text

    source.write_text('[tax_clas]\n"1" = "x"\n')
    bad = install.run("mappings", "import", str(source))
    assert bad.code == 2
    assert "[tax_clas] is not a mapping kind" in bad.stderr
    assert install.query("SELECT count(*) FROM mappings") == [(4,)]  # nothing half-applied


def _woo_product_ids(sandboxes: Sandboxes) -> set[int]:
    with sandboxes.woo.lock:
        return set(sandboxes.woo.products)


def test_links_reset_rematches_by_sku_without_duplicates(
    install: Installation, sandboxes: Sandboxes
):
    install.run("mappings", "import", "-", stdin=TAX_MAPPINGS)
    assert install.run("sync", "catalog").code == 0
    products = _woo_product_ids(sandboxes)
    linked = install.query("SELECT count(*) FROM links WHERE kind = 'product'")[0][0]
    assert linked > 0

    unconfirmed = install.run("links", "reset", "products")
    assert unconfirmed.code == 1
    assert "needs --yes" in unconfirmed.stderr

    reset = install.run("links", "reset", "products", "--yes")
    assert reset.code == 0, reset.output
    assert f"Removed {linked} product links" in reset.stdout
    assert install.query("SELECT count(*) FROM links WHERE kind IN ('product', 'stock')") == [(0,)]
    assert install.query("SELECT count(*) FROM cursors WHERE name LIKE 'catalog.products%'") == [
        (0,)
    ]

    again = install.run("sync", "catalog")
    assert again.code == 0
    assert _woo_product_ids(sandboxes) == products  # matched by SKU, nothing created twice
    assert install.query("SELECT count(*) FROM links WHERE kind = 'product'") == [(linked,)]


def test_logs_show_and_follow_the_event_log(install: Installation):
    assert install.run("sync", "stock").code == 0
    logs = install.run("logs", "--job", "stock")
    assert logs.code == 0
    assert "INFO     shop1/stock: stock started (incremental)" in logs.stdout
    assert "stock ok in" in logs.stdout

    follower = install.spawn("logs", "--follow", "--limit", "1", "--level", "info")
    backlog = follower.wait_for("stock ok in")  # the newest event only
    assert install.run("sync", "stock", "--full").code == 0
    follower.wait_for("stock ok in", after=backlog + 1)
    follower.send_signal(signal.SIGINT)
    result = follower.finish()
    assert result.code == 0, result.output
    assert result.stdout.count("stock ok in") == 2
    assert "stock started (full)" in result.stdout
