"""Write succeeded, answer lost: exactly one object after any number of retries.

The store commits the write, then the answer is lost on the way back: the client
times out, a proxy answers 502, or a proxy replays the POST and hands us the
second answer ("duplicate SKU", "number already in use") about our own first
write.  Look-ups afterwards may fail too, so the order takes several drains.
Every assertion is made against the sandboxes' own records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from engine.store import OutboxState
from engine.sync.catalog import CatalogSync
from engine.woo import WooClient
from tests.integration.orders_harness import World, make_worker, next_second, order_world
from tests.integration.sync_harness import WOO_KEY, WOO_SECRET, engine_context
from tests.integration.test_orders_booking import arrived
from tests.reliability.faulty_proxy import Fault, FaultyProxy
from tests.reliability.proxied import drain_until, proxied_sandboxes

pytestmark = pytest.mark.timeout(90)

LOST = [Fault.COMMIT_THEN_HANG, Fault.COMMIT_THEN_502, Fault.REPLAY]


def _selling(kb) -> set[str]:
    rows = [kb.product(n) for n in kb.catalog._by_number]
    return {r["number"] for r in rows if r["active"] and not r.get("deactivated")}


@pytest.mark.parametrize("fault", LOST)
async def test_lost_woo_answers_never_duplicate_products_or_categories(
    tmp_path: Path, fault: Fault
) -> None:
    with proxied_sandboxes(products=250, woo_tls=tmp_path / "tls") as proxied:
        servers, proxy = proxied.servers, proxied.woo
        rules = [
            proxy.add("POST", r"/products/categories/batch$", fault),
            proxy.add("POST", r"/products/batch$", fault, times=2),
        ]
        async with engine_context(tmp_path, servers.korona_server, servers.woo_server) as base:
            # below the proxy's 2 s hang (so a hang is a lost answer), with room for a busy
            # machine's ordinary batches (0.5 s timed those out as well and left them unlinked)
            woo = WooClient(
                servers.woo_server.url, WOO_KEY, WOO_SECRET, timeout=1.5, verify=proxied.woo_ca
            )
            ctx = replace(base, woo=woo)
            try:
                runs = [await CatalogSync(ctx).run() for _ in range(3)]
                linked = await ctx.store.links.count("product")
            finally:
                await woo.aclose()
        assert all(rule.spent for rule in rules)  # the answers really were lost
        sb = servers.woo
        skus = Counter(p.get("sku") for p in sb.products.values())
        assert max(skus.values()) == 1, [s for s, n in skus.items() if n > 1]
        names = Counter((c["name"], c.get("parent", 0)) for c in sb.categories.values())
        assert max(names.values()) == 1
        assert _selling(servers.korona) <= set(skus)
        assert linked == len(sb.products)
        last = runs[-1]
        assert (last.totals.written, last.totals.failed) == (0, 0), last.diff.render()
        if fault is Fault.REPLAY:  # "duplicate SKU" about our own write: linked at once
            assert runs[0].totals.failed == 0


async def _placed(world: World) -> dict:
    order = world.place(status="completed")
    await arrived(world, order["id"])
    return order


async def _booked_with_lost_answer(world: World, proxy: FaultyProxy, fault: Fault) -> dict:
    warm_up = await _placed(world)  # the first booking couples the POS (a 403, then a write):
    await drain_until(world, world.worker, warm_up["id"], OutboxState.DONE)  # fault a real one
    order = await _placed(world)
    post = proxy.add("POST", r"/pointsOfSale/[^/]+/receipts$", fault)
    proxy.add("GET", r"/receipts$", Fault.UNAVAILABLE, times=3, after=post)
    drains = await drain_until(world, world.worker, order["id"], OutboxState.DONE)
    assert post.spent and drains >= 2  # retried across drains, not solved in one go
    return order


@pytest.mark.parametrize("fault", LOST)
async def test_lost_receipt_answer_books_exactly_one_receipt(tmp_path: Path, fault: Fault) -> None:
    with proxied_sandboxes() as proxied:
        async with order_world(proxied.servers, tmp_path) as world:
            order = await _booked_with_lost_answer(world, proxied.korona, fault)
            sales = [s for s in world.sales() if s["orderNumber"] == order["number"]]
            assert len(sales) == 1
            entry = await world.entry(order["id"])
            assert entry.backoffice_ref == sales[0]["number"]
            assert len(world.sales()) == world.receipts_before + 2  # with the warm-up


@pytest.mark.parametrize("fault", LOST)
async def test_lost_reversal_answer_voids_exactly_once(tmp_path: Path, fault: Fault) -> None:
    with proxied_sandboxes() as proxied:
        async with order_world(proxied.servers, tmp_path) as world:
            order = await _booked_with_lost_answer(world, proxied.korona, Fault.REPLAY)
            (original,) = [s for s in world.sales() if s["orderNumber"] == order["number"]]
            await next_second(world)
            proxied.korona.clear()
            post = proxied.korona.add("POST", r"/pointsOfSale/[^/]+/receipts$", fault)
            proxied.korona.add("GET", r"/receipts$", Fault.UNAVAILABLE, times=3, after=post)
            world.sb.set_order_status(order["id"], "cancelled")
            await drain_until(world, world.worker, order["id"], OutboxState.VOIDED)
            assert post.spent
            (reversal,) = world.reversals()
            assert reversal["reversedReceipt"]["id"] == original["id"]
            await world.worker.drain()  # nothing more to do: no second reversal
            assert len(world.reversals()) == 1


@pytest.mark.parametrize("fault", [Fault.COMMIT_THEN_HANG, Fault.COMMIT_THEN_502])
async def test_lost_write_back_answer_leaves_one_note(tmp_path: Path, fault: Fault) -> None:
    """The receipt note reached the order but its answer did not: the write-back is retried
    (the debt is kept) and the staff still see one note, not two."""
    with proxied_sandboxes() as proxied:
        async with order_world(proxied.servers, tmp_path) as world:
            woo = WooClient(proxied.servers.woo_server.url, WOO_KEY, WOO_SECRET, timeout=0.5)
            ctx = replace(world.ctx, woo=woo)
            worker, _ = make_worker(ctx, world.alerts)
            try:
                order = await _placed(world)
                note = proxied.woo.add("POST", r"/orders/\d+/notes$", fault)
                await drain_until(world, worker, order["id"], OutboxState.DONE)
                debts = ctx.store.writebacks
                for _ in range(3):  # the debt is paid on a later drain (made due: no backoff)
                    await debts.retry(order["id"], connection=ctx.connection)
                    await worker.drain()
                owed = await debts.count(connection=ctx.connection)
            finally:
                await woo.aclose()
            assert note.spent and owed == 0
            notes = [n["note"] for n in world.sb.order_notes[order["id"]]]
            booked = [text for text in notes if text.startswith("tillsync: booked")]
            assert len(booked) == 1, notes
