"""``tillsync sync``: dry run writes nothing, a real run writes, a stop leaves the DB sound."""

from __future__ import annotations

import base64
import signal
import sqlite3
import time

from sandbox import korona as kor

from .conftest import PRODUCTS, Sandboxes, buyable
from .installation import KORONA_PASSWORD, ORDER_MAPPINGS, TAX_MAPPINGS, Installation


def _woo_writes(sandboxes: Sandboxes) -> int:
    stats = sandboxes.woo.stats
    return sum(
        n for (method, _), n in stats.by_route.items() if method in {"POST", "PUT", "DELETE"}
    )


def _skus(sandboxes: Sandboxes) -> set[str]:
    with sandboxes.woo.lock:
        return {p["sku"] for p in sandboxes.woo.products.values() if p.get("sku")}


def _runs(install: Installation) -> int:
    try:
        return install.query("SELECT count(*) FROM runs")[0][0]
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


def test_dry_run_writes_nothing_then_sync_writes_then_nothing_left(
    install: Installation, sandboxes: Sandboxes
):
    assert install.run("mappings", "import", "-", stdin=TAX_MAPPINGS).code == 0
    sandboxes.woo.stats.reset()
    dry = install.run("sync", "catalog", "--dry-run")
    assert dry.code == 0, dry.output
    assert _woo_writes(sandboxes) == 0
    assert sandboxes.woo.products == {}
    assert "Dry run: nothing was written" in dry.stdout
    assert "to create, 0 to update" in dry.stdout
    assert "catalog summary (dry run" in dry.stdout
    assert install.query("SELECT count(*) FROM links") == [(0,)]
    planned = {
        line.split()[2] for line in dry.stdout.splitlines() if line.startswith("create product ")
    }
    assert len(planned) > PRODUCTS // 2

    real = install.run("sync", "catalog")
    assert real.code == 0, real.output
    assert _woo_writes(sandboxes) > 0
    assert _skus(sandboxes) == planned  # the dry run showed exactly what the run then did
    assert "catalog summary" in real.stdout
    for column in ("read", "written", "failed", "skipped", "unchanged", "requests", "duration"):
        assert column in real.stdout
    assert install.query("SELECT job, ok, dry_run FROM runs ORDER BY id") == [
        ("catalog", 1, 1),
        ("catalog", 1, 0),
    ]

    again = install.run("sync", "catalog", "--dry-run", "--full")
    assert again.code == 0
    assert "0 to create, 0 to update" in again.stdout


def test_sync_refuses_what_a_job_or_back_office_cannot_do(install: Installation):
    sku = install.run("sync", "stock", "--sku", "10001")
    assert sku.code == 2
    assert "the stock job does not take --sku" in sku.stderr
    assert "the stock job takes --dry-run, --full" in sku.stderr
    full = install.run("sync", "orders", "--dry-run")
    assert full.code == 2
    assert "the orders_poll job does not take --dry-run" in full.stderr


def test_sigterm_during_a_slow_sync_closes_the_run_and_keeps_the_db_sound(
    install: Installation, sandboxes: Sandboxes
):
    sandboxes.korona.knobs.update(latency_ms=400)
    process = install.spawn("sync", "catalog")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if _runs(install) == 1:
            break
        time.sleep(0.05)
    else:
        process.process.kill()
        raise AssertionError("the sync never started its run")
    process.send_signal(signal.SIGTERM)
    result = process.finish()
    assert result.code == 130, result.output
    assert "interrupted — the run was stopped cleanly" in result.stderr
    assert install.query("PRAGMA integrity_check") == [("ok",)]
    [(finished, ok, error)] = install.query("SELECT finished_at, ok, error FROM runs")
    assert finished is not None and ok == 0
    assert "Cancelled" in error


def test_debug_logs_every_exchange_with_credentials_redacted(install: Installation):
    basic = base64.b64encode(f"{kor.DEFAULT_USER}:{KORONA_PASSWORD}".encode()).decode()
    install.secrets += (basic,)  # the Basic header's value would give the password away
    result = install.run("sync", "catalog", "--dry-run", "--debug")
    assert result.code == 0, result.output
    assert "korona: GET" in result.stderr and "woocommerce: GET" in result.stderr
    assert "korona: GET" in install.log_text()
    install.assert_logs_clean()


def test_sync_orders_reads_and_books_them_without_a_running_service(
    install: Installation, sandboxes: Sandboxes
):
    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0
    products = buyable(sandboxes.woo)
    order = sandboxes.woo.place_order(
        [(products[0], 1), (products[2], 3)], payment_method="bacs", status="completed"
    )
    result = install.run("sync", "orders")
    assert result.code == 0, result.output
    assert "orders: read 1 changed orders, 1 new or changed" in result.stdout
    assert "booked 1, held 0" in result.stdout
    [receipt] = sandboxes.korona.receipts()
    assert str(order["id"]) in str(receipt)
    again = install.run("sync", "orders", "--full")
    assert "booked 0" in again.stdout
    assert len(sandboxes.korona.receipts()) == 1  # exactly once
