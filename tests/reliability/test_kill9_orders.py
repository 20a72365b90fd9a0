"""Crash anywhere, orders: the headless service is SIGKILLed while it books and voids.

Shoppers keep ordering and staff keep cancelling booked orders while the service is
killed again and again — at seeded random moments, and once exactly between KORONA
committing a receipt and our commit (the receipt POST's answer is withheld).  Orders
placed while the service is down arrive by the poll; webhooks to a dead receiver
fail as they would.  Then KORONA's own receipts are the judge: every completed order
booked exactly once, every cancelled booking reversed exactly once, nothing booked
that should not be, every receipt number written back to its order (one note each).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.integration.orders_harness import buyable
from tests.reliability.kill_harness import KILLS, Shop, shop, sound, wait_until
from tests.reliability.service import Service
from tests.reliability.service_state import seed_catalog_and_mappings

pytestmark = pytest.mark.timeout(600)

UNFINISHED = ("waiting", "in_flight", "voiding", "failed")


def place(s: Shop, rng: random.Random, count: int, status: str = "completed") -> None:
    products = buyable(s.sb)
    for _ in range(count):
        lines = [(pid, rng.randint(1, 2)) for pid in rng.sample(products, rng.randint(1, 3))]
        order = s.sb.place_order(lines, payment_method="bacs", status=status)
        s.placed[order["id"]] = order


def status_of(s: Shop, order_id: int) -> str:
    with s.sb.lock:
        return str(s.sb.orders[order_id]["status"])


def sales_and_reversals(s: Shop) -> tuple[Counter[str], Counter[str]]:
    """Receipts per Woo order number; reversals per order number of the receipt reversed."""
    receipts = s.kb.receipts()
    number_of = {r["id"]: r.get("orderNumber") for r in receipts}
    sales = Counter(r.get("orderNumber") for r in receipts if not r.get("reversal"))
    reversals = [number_of[r["reversedReceipt"]["id"]] for r in receipts if r.get("reversal")]
    return sales, Counter(reversals)


def cancel_a_booked_one(s: Shop, rng: random.Random) -> None:
    """Staff cancel an order that KORONA already holds: it must be reversed once."""
    sales, _ = sales_and_reversals(s)
    booked = [i for i, o in s.placed.items()
              if sales[o["number"]] and status_of(s, i) == "completed"]  # fmt: skip
    if booked:
        s.sb.set_order_status(rng.choice(booked), "cancelled")


def problems(service: Service, s: Shop) -> list[str]:
    """Everything still wrong; empty once every order has settled correctly."""
    sales, reversals = sales_and_reversals(s)
    found = []
    for order_id, order in s.placed.items():
        status, number = status_of(s, order_id), order["number"]
        booked, voided = sales[number], reversals[number]
        want = {"completed": (1, 0), "processing": (0, 0)}.get(status, (booked and 1, booked and 1))
        if (booked, voided) != want:
            found.append(f"#{order_id} {status}: {booked} receipts, {voided} reversals")
    marks = ",".join("?" * len(UNFINISHED))
    left = service.query(  # a processing order waits, held as "not ready": that is settled
        f"SELECT count(*) FROM outbox WHERE state IN ({marks}) "
        "OR (state = 'held' AND last_error NOT LIKE 'not ready:%')",
        *UNFINISHED,
    )
    owed = service.query("SELECT count(*) FROM writebacks")
    if left[0][0] or owed[0][0]:
        found.append(f"{left[0][0]} orders unfinished, {owed[0][0]} write-backs owed")
    return found


def kill_at_random(service: Service, rng: random.Random) -> None:
    service.start()
    service.wait_for("tillsync running as PID")
    time.sleep(rng.uniform(0.1, 2.5))
    service.kill9()


def kill_after_korona_commits(service: Service, s: Shop, rng: random.Random) -> None:
    """KORONA stores the receipt and withholds the answer; we die before our commit."""
    place(s, rng, 2)
    before = len(s.kb.receipts())
    s.kb.knobs.update(receipt_fault="commit_then_hang", receipt_fault_times=1, hang_seconds=30)
    service.start()
    wait_until(lambda: len(s.kb.receipts()) > before, 30, "KORONA to commit a receipt")
    service.kill9()


def recovered_in_flight(service: Service) -> int:
    """Orders the restarts found in flight (the engine logs each recovery)."""
    text = "".join(service.output(n) for n in range(1, service.starts + 1))
    return sum(int(n) for n in re.findall(r"orders_back_to_waiting=(\d+)", text))


@pytest.mark.parametrize("kills", KILLS)
def test_kill9_during_order_uploads(tmp_path: Path, kills: int) -> None:
    rng = random.Random(4711 + kills)
    with shop(products=12) as s:
        service = Service(tmp_path / "tillsync")
        service.write(s.woo_server, s.korona_server, orders_poll="every 2s")
        asyncio.run(seed_catalog_and_mappings(service, s, catalog=True))
        s.kb.knobs.update(latency_ms=80)  # a booking takes a few hundred ms: kills land in them
        place(s, rng, 4)
        place(s, rng, 1, status="processing")
        try:
            for n in range(kills):
                if n == 1:
                    kill_after_korona_commits(service, s, rng)
                else:
                    kill_at_random(service, rng)
                sound(service)
                place(s, rng, 2)  # shoppers don't wait for us
                if n % 2:
                    cancel_a_booked_one(s, rng)
            service.start()
            wait_until(lambda: not problems(service, s), 90, "every order to settle")
            assert service.stop() == 0, service.output()
        finally:
            service.ensure_stopped()
        assert problems(service, s) == []
        check_books(service, s)


def lose_the_database(service: Service, s: Shop) -> None:
    """Mid-life: the state file is gone; the service must refuse, ``recover`` rebuilds it."""
    for extra in ("", "-wal", "-shm"):
        Path(f"{service.state_db}{extra}").unlink(missing_ok=True)
    service.start()
    assert service.process is not None and service.process.wait(timeout=60) == 2
    service.process = None
    assert "tillsync recover" in service.output()
    recovered = service.command("recover")
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    asyncio.run(seed_catalog_and_mappings(service, s, catalog=False))  # the admin's mappings
    relinked = service.command("sync", "catalog")  # product links come back by SKU
    assert relinked.returncode == 0, relinked.stdout + relinked.stderr


@pytest.mark.parametrize("kills", KILLS)
def test_kill9_then_the_database_is_lost(tmp_path: Path, kills: int) -> None:
    """The same storm, and half-way the state database disappears: zero duplicates."""
    rng = random.Random(815 + kills)
    with shop(products=12) as s:
        service = Service(tmp_path / "tillsync")
        service.write(s.woo_server, s.korona_server, orders_poll="every 2s")
        asyncio.run(seed_catalog_and_mappings(service, s, catalog=True))
        s.kb.knobs.update(latency_ms=80)
        place(s, rng, 4)
        try:
            for n in range(kills):
                kill_at_random(service, rng)
                if n == kills // 2:
                    lose_the_database(service, s)
                place(s, rng, 2)
                if n % 2:
                    cancel_a_booked_one(s, rng)
            service.start()
            wait_until(lambda: not problems(service, s), 120, "every order to settle")
            assert service.stop() == 0, service.output()
        finally:
            service.ensure_stopped()
        assert problems(service, s) == []
        receipts = Counter(r["number"] for r in s.kb.receipts())
        assert max(receipts.values()) == 1


def check_books(service: Service, s: Shop) -> None:
    receipts = s.kb.receipts()
    numbers = Counter(r["number"] for r in receipts)
    assert max(numbers.values()) == 1  # no receipt number twice
    placed_numbers = {o["number"] for o in s.placed.values()}
    assert {r.get("orderNumber") for r in receipts} <= placed_numbers
    sales, _ = sales_and_reversals(s)
    for order_id, order in s.placed.items():
        if status_of(s, order_id) == "completed":
            meta = {m["key"]: m["value"] for m in s.sb.orders[order_id]["meta_data"]}
            mine = [r for r in receipts if r.get("orderNumber") == order["number"]]
            (sale,) = [r["number"] for r in mine if not r.get("reversal")]
            assert meta.get("_tillsync_receipt") == sale, order_id  # written back …
            notes = [n["note"] for n in s.sb.order_notes.get(order_id, [])]
            assert sum(n.startswith("tillsync: booked") for n in notes) == 1, notes  # … once
    assert sum(sales.values()) >= len(s.placed) // 2  # the scenario did book plenty
    assert recovered_in_flight(service) >= 1  # at least one kill landed mid-booking
    assert service.query("SELECT count(*) FROM runs WHERE finished_at IS NULL") == [(0,)]
    (cursor,) = service.query("SELECT value FROM cursors WHERE name = 'orders.modified_after'")
    assert datetime.fromisoformat(cursor[0]) <= datetime.now(UTC)
    sound(service)
