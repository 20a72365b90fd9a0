"""Order → back-office receipt when webhooks come as late as on a real shop.

The WooCommerce sandbox runs its Action Scheduler model at real speed (time
scale 1, the real host's request costs): deliveries wait for WP-cron, which
runs at most once a minute and only when the site gets a request (a
checkout, or one of tillsync's own calls).  tillsync runs as the service
does: webhook receiver, outbox worker and the light order watch (every 12 s,
paced by the shop's response time).  A shopper checks out every ``GAP_S``
seconds and a visitor opens the home page every ``VISIT_S`` seconds (the
traffic that lets WP-cron run).  Latency runs from just before the checkout to the moment KORONA
accepted the receipt; the cost is every request tillsync made to the shop
while the orders came in, per hour.

``webhooks only`` runs the same with the watch off: what the shop's own
delivery costs in latency (reference §14 measured 44-141 s).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bench.procs import MeasuredChild
from bench.report import Row, Target
from bench.scenarios.shop_pair import ShopPair, woo_requests
from bench.scenarios.webhooks import _buyable, _place_orders, percentile
from bench.settings import BenchSettings

__all__ = ["run"]

CRON_INTERVAL_S = 60.0  # Action Scheduler's queue runner on a real site
WATCH_S = 12.0
GAP_S = 5.0  # one checkout every 5 s
VISIT_S = 10.0  # a visitor on the shop's pages every 10 s
PRODUCTS = 60
ORDERS = {"quick": 24, "full": 72}
WEBHOOK_ONLY_ORDERS = {"quick": 0, "full": 12}
DRAIN_S = 3 * CRON_INTERVAL_S  # the last order's webhook may wait two cron runs


def _wait_for_receipts(shops: ShopPair, placed: dict[str, float]) -> dict[str, float]:
    assert shops.korona is not None and shops.woo is not None
    deadline = time.time() + DRAIN_S
    booked: dict[str, float] = {}
    while time.time() < deadline:
        booked = {number: at for at, number in shops.korona.bench_info("receipts")}
        if set(placed) <= set(booked):
            break
        time.sleep(0.5)
    return booked


@contextmanager
def _visitors(url: str) -> Iterator[None]:
    """Someone opens the shop's home page every ``VISIT_S`` s while the orders come in."""
    done = threading.Event()

    def visit() -> None:
        with httpx.Client(timeout=10) as http:
            while not done.wait(VISIT_S):
                http.get(f"{url}/")

    visitor = threading.Thread(target=visit, name="visitor", daemon=True)
    visitor.start()
    try:
        yield
    finally:
        done.set()
        visitor.join()


def _measure(shops: ShopPair, orders: int, watch_s: float) -> dict[str, Any]:
    assert shops.woo is not None and shops.korona is not None
    service = MeasuredChild(
        "bench.orders_side:orders_service", shops.payload(watch_seconds=watch_s)
    )
    try:
        ready = service.next_message()
        assert ready.get("event") == "ready", ready
        shops.woo_stats(reset=True)
        started = time.time()
        with _visitors(shops.woo_url):
            placed = _place_orders(shops.woo, _buyable(shops.woo, PRODUCTS), orders, 1 / GAP_S)
            booked = _wait_for_receipts(shops, placed)
        elapsed = time.time() - started
        stats = shops.woo_stats()
        service.send("stop")
        result = service.result()
    except BaseException:
        service.kill()
        raise
    return {
        "placed": placed,
        "booked": booked,
        "elapsed_s": elapsed,
        "woo": woo_requests(stats),
        "by_route": stats.get("by_route", {}),
        "webhooks": stats.get("webhooks", {}),
        "service": result,
    }


def _latencies(m: dict[str, Any]) -> tuple[list[float], int]:
    placed, booked = m["placed"], m["booked"]
    latencies = [booked[n] - at for n, at in placed.items() if n in booked]
    return latencies, len(placed) - len(latencies)


def _per_hour(count: int, seconds: float) -> int:
    return round(count * 3600 / seconds) if seconds > 0 else 0


def _row(settings: BenchSettings, m: dict[str, Any], watch_s: float) -> Row:
    latencies, missing = _latencies(m)
    p50 = percentile(latencies, 0.50) if latencies else float("inf")
    p99 = percentile(latencies, 0.99) if latencies else float("inf")
    orders = len(m["placed"])
    per_hour = _per_hour(m["woo"]["total"], m["elapsed_s"])
    checks = int(m["service"]["result"].get("watch_checks") or 0)
    idle_per_hour = _per_hour(checks, m["elapsed_s"])  # what a shop without orders pays
    fetches = m["by_route"].get("GET orders", 0) - checks
    how = f"watch every {watch_s:g} s + webhooks" if watch_s else "webhooks only"
    targets = [Target("every order booked", 0, missing)]
    if watch_s:
        targets.insert(0, Target("p99 ≤ 20 s", 20.0, p99, unit=" s"))
    return Row(
        scenario="late_webhooks",
        title=(
            f"order → receipt, WP-cron webhooks ({how}), {orders} orders, 1 per {GAP_S:g} s "
            f"(p50 {p50:.1f} s, p99 {p99:.1f} s; {per_hour:,} shop requests/h, "
            f"{idle_per_hour:,}/h idle)"
        ),
        tillsync_s=p50,
        requests=m["woo"]["total"],
        peak_rss_mb=m["service"]["peak_rss_mb"],
        targets=tuple(targets),
        details={
            "cron_interval_s": CRON_INTERVAL_S,
            "watch_s": watch_s,
            "latencies_s": sorted(round(x, 2) for x in latencies),
            "mean_s": round(statistics.fmean(latencies), 2) if latencies else None,
            "max_s": round(max(latencies), 2) if latencies else None,
            "window_s": round(m["elapsed_s"], 1),
            "shop_requests_per_hour": per_hour,
            "watch_checks": checks,
            "watch_requests_per_hour_idle": idle_per_hour,
            "watch_full_fetches": fetches,
            "booking_write_backs": m["by_route"].get("PUT orders/{id}", 0),
            "woo": m["woo"],
            "by_route": m["by_route"],
            "webhooks": m["webhooks"],
            "service": m["service"],
        },
    )


def _one(settings: BenchSettings, orders: int, watch_s: float) -> Row:
    model = settings.host_model(time_scale=1.0)
    options = {"cron_interval": CRON_INTERVAL_S}
    with ShopPair(PRODUCTS, 0, model, woo_options=options, profile_dir=settings.profile_dir) as s:
        return _row(settings, _measure(s, orders, watch_s), watch_s)


def run(settings: BenchSettings) -> list[Row]:
    rows = [_one(settings, ORDERS.get(settings.name, ORDERS["quick"]), WATCH_S)]
    webhook_only = WEBHOOK_ONLY_ORDERS.get(settings.name, 0)
    if webhook_only:
        rows.append(_one(settings, webhook_only, 0.0))
    return rows
