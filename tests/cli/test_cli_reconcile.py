"""``tillsync reconcile``: the drift report on the terminal and in a file the admin keeps."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

from .conftest import Sandboxes, buyable
from .installation import TAX_MAPPINGS, Installation


def test_a_web_order_without_its_sale_is_reported_and_written_to_csv(
    install: Installation, sandboxes: Sandboxes
) -> None:
    assert install.run("mappings", "import", "-", stdin=TAX_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0
    product = buyable(sandboxes.woo)[0]
    order = sandboxes.woo.place_order([(product, 1)], status="completed")  # no service: not booked
    today = str(datetime.now(UTC).date())
    report = install.folder / "drift.csv"

    done = install.run("reconcile", "--from", today, "--report", str(report), "--dry-run")

    assert done.code == 1, done.output  # a real difference
    assert f"{today}: 2 differences" in done.stdout
    assert f"order {order['number']}" in done.stdout and "never reached" in done.stdout
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [r["kind"] for r in rows if r["kind"] != "totals"] == ["missing_sale", "stock"]
    # the shop's stock went down with the order; the back office's did not
    assert rows[1]["cause"] == f"sold in web order {order['number']}, which has no sale yet"


def test_a_day_that_is_not_a_date_is_refused(install: Installation) -> None:
    done = install.run("reconcile", "--from", "yesterday")
    assert done.code == 2
    assert "'yesterday' is not a date (YYYY-MM-DD)" in done.stderr
