"""Webhook → back-office receipt: latency of orders placed at a steady rate.

A shopper checks out ``orders`` times at ``order_rate`` per second in the
WooCommerce sandbox (one to three lines, order at status ``completed``).
The store delivers its real, signed ``order.created``/``order.updated``
webhooks (after its own delivery delay, printed with the results) to
tillsync's receiver; the outbox worker books each order in KORONA.

Latency is measured from just before the checkout call to the moment the
KORONA sandbox answered the receipt POST with 2xx (recorded inside the
KORONA process, see :class:`bench.shops.ReceiptRecorder`), both wall-clock
times on the same machine.  Most of that end-to-end time is the store's
own delivery delay, so tillsync's part is reported on its own: from the
first delivery of the order reaching tillsync's receiver
(:class:`bench.orders_side.TimedIntake`) to the receipt booked; the
targets judge the end-to-end figures.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from bench.procs import MeasuredChild, SandboxProcess
from bench.report import Row, Target
from bench.scenarios.shop_pair import ShopPair, woo_requests
from bench.settings import BenchSettings

__all__ = ["percentile", "run"]

DRAIN_TIMEOUT = 60.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.5 = median)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def _buyable(woo: SandboxProcess, limit: int) -> list[int]:
    rows = woo.control(f"products?limit={limit}")
    return [
        int(p["id"])
        for p in rows
        if p.get("status") == "publish"
        and p.get("regular_price")
        and (p.get("stock_quantity") or 0) >= 20
    ]


def _place_orders(woo: SandboxProcess, products: list[int], count: int, rate: float) -> dict:
    rng = random.Random(5)
    placed: dict[str, float] = {}
    start = time.time()
    for i in range(count):
        time.sleep(max(0.0, start + i / rate - time.time()))
        lines = [[pid, 1] for pid in rng.sample(products, rng.randint(1, 3))]
        at = time.time()
        order = woo.control(
            "orders", {"line_items": lines, "status": "completed", "payment_method": "bacs"}
        )
        placed[str(order["number"])] = at
    return placed


def _wait_for_receipts(korona: SandboxProcess, placed: dict[str, float]) -> dict[str, float]:
    deadline = time.time() + DRAIN_TIMEOUT
    booked: dict[str, float] = {}
    while time.time() < deadline:
        booked = {number: at for at, number in korona.bench_info("receipts")}
        if set(placed) <= set(booked):
            break
        time.sleep(0.5)
    return booked


def _measure(settings: BenchSettings, shops: ShopPair) -> dict[str, Any]:
    assert shops.woo is not None and shops.korona is not None
    service = MeasuredChild("bench.orders_side:orders_service", shops.payload())
    try:
        ready = service.next_message()
        assert ready.get("event") == "ready", ready
        knobs = shops.woo.control("knobs")
        shops.woo_stats(reset=True)
        products = _buyable(shops.woo, settings.order_products)
        placed = _place_orders(shops.woo, products, settings.orders, settings.order_rate)
        booked = _wait_for_receipts(shops.korona, placed)
        woo = woo_requests(shops.woo_stats())
        service.send("stop")
        result = service.result()
    except BaseException:
        service.kill()
        raise
    return {"placed": placed, "booked": booked, "woo": woo, "service": result, "knobs": knobs}


def run(settings: BenchSettings) -> list[Row]:
    with ShopPair(
        settings.order_products, 0, settings.host_model(), profile_dir=settings.profile_dir
    ) as shops:
        m = _measure(settings, shops)
    placed, booked = m["placed"], m["booked"]
    latencies = [booked[n] - at for n, at in placed.items() if n in booked]
    received = m["service"]["result"].get("first_received", {})
    ours = [booked[n] - at for n, at in received.items() if n in booked]
    missing = len(placed) - len(latencies)
    p50 = percentile(latencies, 0.50) if latencies else float("inf")
    p99 = percentile(latencies, 0.99) if latencies else float("inf")
    own50, own99 = (percentile(ours, 0.5), percentile(ours, 0.99)) if ours else (None, None)
    delay = m["knobs"]["webhook_delay"]
    own = "—" if own50 is None else f"received → booked p50 {own50:.3f} s, p99 {own99:.3f} s; "
    return [
        Row(
            scenario="webhooks",
            title=(
                f"webhook → receipt, {settings.orders} orders at {settings.order_rate:g}/s "
                f"({own}checkout → booked p50 {p50:.2f} s, p99 {p99:.2f} s, "
                f"of which the store's delivery delay {delay:g} s)"
            ),
            tillsync_s=p50,
            requests=m["woo"]["total"],
            peak_rss_mb=m["service"]["peak_rss_mb"],
            targets=(
                Target("p50 ≤ 1 s", 1.0, p50, unit=" s"),
                Target("p99 ≤ 3 s", 3.0, p99, unit=" s"),
                Target("every order booked", 0, missing),
            ),
            details={
                "store_webhook_delay_s": delay,
                "latencies_s": sorted(round(x, 3) for x in latencies),
                "received_to_booked_s": sorted(round(x, 3) for x in ours),
                "received_to_booked_p50_s": own50,
                "received_to_booked_p99_s": own99,
                "mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
                "max_s": round(max(latencies), 3) if latencies else None,
                "woo": m["woo"],
                "service": m["service"],
            },
        )
    ]
