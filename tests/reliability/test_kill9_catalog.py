"""Crash anywhere, catalog: the headless service is SIGKILLed at seeded random moments.

``tillsync run --headless`` runs as a real subprocess against sandboxes served from
this process; it is killed (no handler, no cleanup) again and again while it syncs
the catalog — staff keep repricing and renaming in the back office meanwhile —
restarted, and finally left to finish.  Then the sandboxes' own records are the
judge: no duplicate product, every edit in the shop, the cursor never ahead of what
was written (checked after every kill), and the state file sound.

``make test`` runs a few kills per scenario; ``make soak`` (``-m slow``) or
``TILLSYNC_SOAK=1`` runs twenty.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox import korona as kor
from sandbox.woocommerce import HostModel
from tests.reliability.kill_harness import KILLS, Shop, kill_mid_run, shop, sound, wait_until
from tests.reliability.service import Service
from tests.reliability.service_state import seed_catalog_and_mappings

pytestmark = pytest.mark.timeout(600)


def _selling(kb: kor.KoronaSandbox) -> dict[str, int]:
    """Number → revision of the products that must end up in the shop."""
    rows = [kb.product(n) for n in kb.catalog._by_number]
    return {r["number"]: r["revision"] for r in rows if r["active"] and not r.get("deactivated")}


def _cursor(service: Service, name: str) -> str | None:
    rows = service.query("SELECT value FROM cursors WHERE name = ?", name)
    return rows[0][0] if rows else None


def catalog_cursor_is_honest(service: Service, s: Shop) -> None:
    """Every product at or below the saved revision is in the shop and linked."""
    cursor = _cursor(service, "catalog.products")
    if cursor is None:
        return
    linked = {sku for (sku,) in service.query("SELECT sku FROM links WHERE kind = 'product'")}
    in_shop = {p.get("sku") for p in s.sb.products.values()}
    behind = {n for n, revision in _selling(s.kb).items() if revision <= int(cursor)}
    assert behind <= linked & in_shop, sorted(behind - (linked & in_shop))[:5]


def _catalog_runs_after(service: Service, run_id: int) -> list[tuple[int, int, int]]:
    return service.query(
        "SELECT id, ok, written FROM runs WHERE job = 'catalog' AND id > ? "
        "AND finished_at IS NOT NULL ORDER BY id",
        run_id,
    )


def _last_run_id(service: Service) -> int:
    return service.query("SELECT coalesce(max(id), 0) FROM runs")[0][0]


def edit_back_office(kb: kor.KoronaSandbox, rng: random.Random, edits: dict[str, str]) -> None:
    """What staff do between two runs: reprice and rename, so every run has writes to make."""
    numbers = sorted(_selling(kb))
    for number in rng.sample(numbers, 60):
        price = f"{rng.randint(100, 99_999) / 100:.2f}"
        kb.set_price(number, Decimal(price))
        edits[number] = price
    for number in rng.sample(numbers, 10):
        kb.rename(number, f"Renamed {number} {rng.randint(1, 999)}")


def edits_arrived(s: Shop, edits: dict[str, str]) -> None:
    """The last price of every product edited during the kills is the shop's price."""
    by_sku = {p.get("sku"): p for p in s.sb.products.values()}
    wrong = {n: (by_sku[n].get("regular_price"), p) for n, p in edits.items()
             if by_sku[n].get("regular_price") not in (p, None)}  # fmt: skip
    assert not wrong, wrong
    names = {n: by_sku[n]["name"] for n in _selling(s.kb)}
    assert all(names[n] == s.kb.product(n)["name"] for n in names)


@pytest.mark.parametrize("kills", KILLS)
def test_kill9_during_catalog_sync(tmp_path: Path, kills: int) -> None:
    rng = random.Random(20261125 + kills)
    edits: dict[str, str] = {}
    with shop(products=300, woo_host=HostModel(time_scale=0.3)) as s:
        service = Service(tmp_path / "tillsync")
        service.write(s.woo_server, s.korona_server, catalog="every 1s")
        asyncio.run(seed_catalog_and_mappings(service, s, catalog=False))
        mid_run = 0
        try:
            for _ in range(kills):
                mid_run += kill_mid_run(service, rng, "catalog")
                catalog_cursor_is_honest(service, s)
                edit_back_office(s.kb, rng, edits)
            before = _last_run_id(service)
            service.start()
            wait_until(lambda: any(w == 0 and ok for _, ok, w in _catalog_runs_after(
                service, before)), 60, "a catalog run with nothing left to write")  # fmt: skip
            assert service.stop() == 0, service.output()
        finally:
            service.ensure_stopped()
        assert mid_run >= kills // 3 + 1, mid_run  # the kills did land inside runs
        skus = Counter(p.get("sku") for p in s.sb.products.values())
        assert max(skus.values()) == 1, [sku for sku, n in skus.items() if n > 1]
        assert set(_selling(s.kb)) <= set(skus)
        edits_arrived(s, edits)
        assert service.query("SELECT count(*) FROM links WHERE kind = 'product'")[0][0] == len(skus)
        newest = max(s.kb.product(n)["revision"] for n in s.kb.catalog._by_number)
        assert _cursor(service, "catalog.products") == str(newest)
        assert service.query("SELECT count(*) FROM runs WHERE finished_at IS NULL") == [(0,)]
        sound(service)
