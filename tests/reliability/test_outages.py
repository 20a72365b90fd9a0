"""Outages: the other side refuses, throttles, hides behind a firewall or answers too late.

What must hold: back off (requests are counted — no tight loops), write nothing
half-done, recover by itself once the other side is back, and tell the admin once
per outage (a real SMTP server on loopback counts the mails).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import RemoteError
from engine.notify import EmailAlerts
from engine.store import OutboxState
from engine.sync.catalog import CatalogSync
from engine.sync.orders import OrderWorker
from engine.transport import RetryPolicy
from engine.woo import WooClient
from sandbox import korona as kor
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import HostModel
from tests.integration.orders_harness import World, order_world, sandboxes, wait_until
from tests.integration.sync_harness import WOO_KEY, WOO_SECRET, engine_context
from tests.integration.sync_harness import sandboxes as catalog_sandboxes
from tests.integration.test_notify_smtp import Mailbox, start_smtp

pytestmark = pytest.mark.timeout(90)

WOO_POLICY = RetryPolicy(max_attempts=3, base_delay=0.1, max_delay=0.4, max_retry_after=5)
ORDER_BACKOFF = RetryPolicy(max_attempts=1_000_000, base_delay=0.2, max_delay=0.8)
OUTAGE = 2.5  # seconds each back-office outage lasts


def _restart(server: RunningServer, kb: kor.KoronaSandbox) -> RunningServer:
    """The back office comes back on the same address."""
    return start_server(kor.create_app(kb), port=server.port)


async def _all_done(world: World, order_ids: list[int], within: float = 15.0) -> None:
    async def check() -> bool:
        entries = [await world.entry(i) for i in order_ids]
        return all(e is not None and e.state is OutboxState.DONE for e in entries)

    await wait_until(check, within)


async def _outage(world: World, mailbox: Mailbox, mails_before: int) -> tuple[list[int], int]:
    """Orders placed while the back office is away; returns them and the attempts made."""
    attempts = world.ctx.backend.client.stats
    before = attempts.total
    orders = [world.place(status="completed")["id"] for _ in range(3)]
    await asyncio.sleep(OUTAGE)
    made = attempts.total - before
    await mailbox.wait_for(mails_before + 1)
    for order_id in orders:  # queued, never booked; the worker may be mid-attempt (in flight)
        entry = await world.entry(order_id)
        assert entry.state is not OutboxState.DONE, entry.state
    return orders, made


async def test_back_office_away_then_503_queues_backs_off_mails_once_and_drains(
    tmp_path: Path,
) -> None:
    mailbox = Mailbox()
    smtp = start_smtp(mailbox)
    alerts = EmailAlerts(
        "127.0.0.1", smtp.port, "tillsync@shop.test", ["admin@shop.test"], batch_window=0.2
    )
    with sandboxes() as servers:
        async with order_world(servers, tmp_path) as world:
            worker = OrderWorker(world.ctx, alerts, backoff=ORDER_BACKOFF, idle_interval=0.1)
            stop = asyncio.Event()
            running = asyncio.create_task(worker.run_forever(stop))
            try:
                servers.korona_server.stop()  # connections refused
                first, made = await _outage(world, mailbox, 0)
                servers.korona_server = _restart(servers.korona_server, servers.korona)
                await _all_done(world, first)
                await mailbox.wait_for(2)

                servers.korona.knobs.update(down=True)  # now 503 for a while
                second, made_503 = await _outage(world, mailbox, 2)
                servers.korona.knobs.update(down=False)
                await _all_done(world, second)
                await mailbox.wait_for(4)
            finally:
                stop.set()
                await running
                await alerts.aclose()
                smtp.stop()
            numbers = [r["orderNumber"] for r in world.sales()[world.receipts_before :]]
    placed = [str(i) for i in first + second]
    assert sorted(numbers) == sorted(placed) and len(numbers) == len(set(numbers)) == 6
    for attempts in (made, made_503):  # backoff 0.2 s doubling to 0.8 s: a handful, not a loop
        assert 2 <= attempts <= 20, attempts
    subjects = [m["Subject"] for m in mailbox.messages]
    assert len(subjects) == 4, subjects  # down, back, down, back: one mail each
    assert "does not answer" in subjects[0] and "does not answer" in subjects[2]


#: outage → (host knobs, failure kind, attempts per request)
OUTAGES = {
    "429 with Retry-After": ({"rate_429": 1.0, "retry_after": 1}, "rate_limited", 3),
    "429 without Retry-After": ({"rate_429_bare": 1.0}, "rate_limited", 3),
    "HTML challenge page with 200": ({"html_status": 200}, "transient", 3),
    "HTML firewall block with 403": ({"html_status": 403}, "auth", 1),  # the admin must act
    "answers later than the timeout": ({"rate_timeout": 1.0, "timeout_sleep": 1.0}, "transient", 3),
}


@pytest.mark.parametrize("outage", sorted(OUTAGES))
async def test_shop_outage_backs_off_writes_nothing_then_the_next_run_recovers(
    tmp_path: Path, outage: str
) -> None:
    knobs, kind, attempts = OUTAGES[outage]
    with catalog_sandboxes(products=120) as (_, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as base:
            woo = WooClient(woo_server.url, WOO_KEY, WOO_SECRET, timeout=0.3, retry=WOO_POLICY)
            ctx = replace(base, woo=woo)
            try:
                sb.host_model = HostModel(**knobs)
                started = time.monotonic()
                with pytest.raises(RemoteError) as failed:
                    await CatalogSync(ctx).run()
                elapsed = time.monotonic() - started
                requests = sb.stats.total
                assert failed.value.kind == kind, failed.value
                assert sb.products == {}  # nothing half-written
                # each request the run started is tried a bounded number of times, no more
                assert requests % attempts == 0
                assert requests <= attempts * ctx.write_concurrency, requests
                if attempts == 1:
                    assert "firewall" in failed.value.message
                if "retry_after" in knobs:  # the server's Retry-After is honoured
                    assert elapsed >= (WOO_POLICY.max_attempts - 1) * knobs["retry_after"]
                sb.host_model = HostModel()
                report = await CatalogSync(ctx).run()
                again = await CatalogSync(ctx).run()
            finally:
                await woo.aclose()
    skus = [p.get("sku") for p in sb.products.values()]
    assert len(skus) == len(set(skus)) and report.totals.failed == 0
    assert (again.totals.written, again.totals.failed) == (0, 0)


async def test_flaky_shop_loses_nothing_and_stays_within_a_request_budget(tmp_path: Path) -> None:
    """Every fault at once, at realistic rates: runs repeat until clean, no duplicates."""
    flaky = HostModel(
        rate_429=0.15,
        rate_429_bare=0.15,
        rate_500=0.1,
        rate_timeout=0.1,
        rate_500_after_write=0.15,
        timeout_sleep=1.0,
        retry_after=1,
        fault_seed=5,
    )
    with catalog_sandboxes(products=250) as (_, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as base:
            woo = WooClient(woo_server.url, WOO_KEY, WOO_SECRET, timeout=0.3, retry=WOO_POLICY)
            ctx = replace(base, woo=woo)
            try:
                sb.host_model = flaky
                runs = 0
                while runs < 10:
                    runs += 1
                    try:
                        report = await CatalogSync(ctx).run()
                    except RemoteError:
                        continue
                    if report.totals.failed == 0:
                        break
                flaky_requests, hit = sb.stats.total, sb.stats.snapshot()
                sb.host_model = HostModel()
                clean = await CatalogSync(ctx).run()
            finally:
                await woo.aclose()
    skus = [p.get("sku") for p in sb.products.values()]
    assert len(skus) == len(set(skus)) and runs < 10
    assert (clean.totals.written, clean.totals.failed) == (0, 0)
    assert hit["served_429"] and hit["served_500"], hit  # the faults did land
    # a clean first sync of 250 needs ~17 (first batches start small until the shop's
    # speed is measured); on this host every create without an answer is also
    # looked up by SKU before it is reported, which is what ends the false failures
    assert flaky_requests <= 90, flaky_requests  # ~40 typical (23 before), 82 seen under load


async def test_back_office_away_during_the_catalog_changes_nothing_then_recovers(
    tmp_path: Path,
) -> None:
    with catalog_sandboxes(products=80) as (kb, sb, korona_server, woo_server):
        async with engine_context(tmp_path, korona_server, woo_server) as ctx:
            await CatalogSync(ctx).run()
            shop_before = {pid: dict(p) for pid, p in sb.products.items()}
            changed = sorted(p["sku"] for p in sb.products.values() if p.get("regular_price"))[:3]
            for number in changed:
                kb.set_price(number, Decimal("12.34"))
            korona_server.stop()  # refused, mid-way between two runs
            with pytest.raises(RemoteError) as failed:
                await CatalogSync(ctx).run()
            assert failed.value.kind == "transient"
            assert {pid: dict(p) for pid, p in sb.products.items()} == shop_before
            back = _restart(korona_server, kb)
            try:
                report = await CatalogSync(ctx).run()
            finally:
                back.stop()
    prices = {p["sku"]: p.get("regular_price") for p in sb.products.values()}
    assert [prices[n] for n in changed] == ["12.34"] * 3
    assert report.totals.failed == 0
