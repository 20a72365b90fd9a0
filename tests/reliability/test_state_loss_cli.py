"""Losing the state database mid-life, as an admin meets it on the command line.

Orders are booked with ``tillsync sync orders``; then the state file is
deleted, emptied or damaged.  tillsync must refuse to start (exit 2, the
file named, ``tillsync recover`` offered) — also when the marker beside the
config went too, because WooCommerce holds one — and after ``recover`` it
books nothing a second time, while a new order is still booked once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.runtime import MARKER_NAME
from tests.cli.conftest import install, sandboxes  # noqa: F401  (fixtures)
from tests.cli.installation import ORDER_MAPPINGS, Installation
from tests.integration.orders_harness import buyable

pytestmark = pytest.mark.timeout(120)


def _book_two(install: Installation, sandboxes) -> int:  # noqa: F811
    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0
    products = buyable(sandboxes.woo)
    for n in range(2):
        sandboxes.woo.place_order([(products[n], 1)], payment_method="bacs", status="completed")
    result = install.run("sync", "orders")
    assert "booked 2" in result.stdout, result.output
    return len(sandboxes.korona.receipts())


def _lose(state_db: Path, how: str) -> None:
    for extra in ("-wal", "-shm"):
        Path(f"{state_db}{extra}").unlink(missing_ok=True)
    if how == "deleted":
        state_db.unlink()
    elif how == "truncated":
        state_db.write_bytes(b"")
    else:
        state_db.write_bytes(b"\x00garbage, not a database" * 4096)


@pytest.mark.parametrize("how", ["deleted", "truncated", "damaged"])
@pytest.mark.parametrize("marker_file", ["kept", "lost too"])
def test_lost_database_refuses_then_recover_books_nothing_twice(
    install: Installation,  # noqa: F811
    sandboxes,  # noqa: F811
    how: str,
    marker_file: str,
) -> None:
    receipts = _book_two(install, sandboxes)
    _lose(install.state_db, how)
    if marker_file == "lost too":
        (install.folder / MARKER_NAME).unlink()

    refused = install.run("sync", "orders")
    assert refused.code == 2, refused.output
    assert str(install.state_db) in refused.stderr
    assert "tillsync recover" in refused.stderr
    assert len(sandboxes.korona.receipts()) == receipts
    service = install.run("run", "--headless")  # systemd must not restart it in a loop
    assert service.code == 2 and "tillsync recover" in service.output, service.output

    recovered = install.run("recover")
    assert recovered.code == 0, recovered.output
    assert "2 linked by the receipt number in WooCommerce" in recovered.stdout
    if how == "damaged":
        assert list(install.state_db.parent.glob("state.db.damaged-*"))

    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0  # product links come back by SKU
    again = install.run("sync", "orders", "--full")
    assert again.code == 0, again.output
    assert "booked 0" in again.stdout, again.output
    assert len(sandboxes.korona.receipts()) == receipts

    product = buyable(sandboxes.woo)[3]
    sandboxes.woo.place_order([(product, 1)], payment_method="bacs", status="completed")
    new = install.run("sync", "orders")
    assert "booked 1" in new.stdout, new.output
    assert len(sandboxes.korona.receipts()) == receipts + 1
