"""First run against a shop with history: nothing old is booked, backfill on purpose.

The shop already holds completed orders when tillsync first runs.  They are
listed "before start" and never booked; an order placed afterwards is
booked once; ``orders backfill --since`` first only counts, and with
``--yes`` books the history — each order once.
"""

from __future__ import annotations

import pytest

from tests.cli.conftest import install, sandboxes  # noqa: F401  (fixtures)
from tests.cli.installation import ORDER_MAPPINGS, Installation
from tests.integration.orders_harness import ShiftedClock, buyable

pytestmark = pytest.mark.timeout(120)


def _history(sandboxes, products: list[int], count: int) -> None:  # noqa: F811
    """Orders dated two minutes before tillsync's first start (the shop's history)."""
    sb = sandboxes.woo
    clock = sb.clock
    with sb.lock:
        sb.clock = ShiftedClock(clock.utc_offset_seconds, -120)
    try:
        for n in range(count):
            sb.place_order([(products[n], 1)], payment_method="bacs", status="completed")
    finally:
        with sb.lock:
            sb.clock = clock


def test_first_run_books_no_history_and_backfill_books_it_once(
    install: Installation,  # noqa: F811
    sandboxes,  # noqa: F811
) -> None:
    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0  # the first start: the start point
    products = buyable(sandboxes.woo)
    _history(sandboxes, products, 2)

    first = install.run("sync", "orders")
    assert "booked 0" in first.stdout, first.output
    assert sandboxes.korona.receipts() == []
    listed = install.run("orders", "list", "--state", "skipped")
    assert listed.stdout.count("before start") == 2, listed.output

    sandboxes.woo.place_order([(products[3], 1)], payment_method="bacs", status="completed")
    assert "booked 1" in install.run("sync", "orders").stdout
    assert len(sandboxes.korona.receipts()) == 1

    dry = install.run("orders", "backfill", "--since", "2000-01-01")
    assert dry.code == 0, dry.output
    assert "2 order(s) would be booked" in dry.stdout and "Dry run" in dry.stdout
    assert "booked 0" in install.run("sync", "orders").stdout
    assert len(sandboxes.korona.receipts()) == 1

    moved = install.run("orders", "backfill", "--since", "2000-01-01", "--yes")
    assert moved.code == 0 and "2 listed order(s) due again" in moved.stdout, moved.output
    assert "booked 2" in install.run("sync", "orders").stdout
    assert "booked 0" in install.run("sync", "orders", "--full").stdout
    assert len(sandboxes.korona.receipts()) == 3


def test_doctor_shows_the_start_point(install: Installation) -> None:  # noqa: F811
    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0
    [(text,)] = install.query(
        "SELECT value FROM settings WHERE key = 'orders.since' AND connection = 'shop1'"
    )
    report = install.run("doctor")
    assert "orders start point" in report.stdout, report.output
    assert f"{text.strip(chr(34))[:16].replace('T', ' ')} UTC" in report.stdout, report.output
    assert "orders backfill --since" in report.stdout
