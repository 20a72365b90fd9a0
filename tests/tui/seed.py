"""A shop with a history, for console tests and snapshots.

Both sandboxes run on loopback (real HTTP); the state database is written
with a fixed clock so every time the console shows is the same on every
run: a catalog run that went well, a stock run that failed, orders in each
interesting state (one failed with its redacted exchange — its product was
deleted in the back office — one held for an
unmapped gateway, one booked, one waiting, one skipped), log events,
links, a skipped product and the mappings a real set-up would have.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.config import TillsyncConfig, load_config
from engine.events import Level
from engine.runtime import Engine, build_connection
from engine.store import Link, MappingKind, RunCounts, StateStore
from sandbox import korona as kor
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

NOW = datetime(2025, 3, 14, 11, 0, tzinfo=UTC)
CONNECTION = "shop1"
WOO_KEY = "ck_test_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_test_fedcba9876543210fedcba9876543210"
SHOWN_WOO_URL = "https://shop.example.com"
SHOWN_KORONA_URL = "https://167.koronacloud.com/web/api/v3"


class FixedClock:
    """The store's clock while seeding: moved by hand, never by time passing."""

    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at

    def set(self, minutes_ago: float) -> None:
        self.at = NOW - timedelta(minutes=minutes_ago)


@dataclass
class Shop:
    korona: kor.KoronaSandbox
    woo: WooSandbox
    servers: list[RunningServer]

    @property
    def woo_url(self) -> str:
        return self.servers[0].url

    @property
    def korona_url(self) -> str:
        return f"{self.servers[1].url}{kor.API_BASE}"

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def start_shop() -> Shop:
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=12, rng_seed=7, customers=3)
    woo = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    woo.seed_demo(products=10, categories=3, rng_seed=7)
    servers = [start_server(create_app(woo)), start_server(kor.create_app(kb))]
    woo.site_url = servers[0].url
    return Shop(kb, woo, servers)


def config_text(woo_url: str, korona_url: str) -> str:
    return f"""
[engine]
state_db = "state.db"
timezone = "Europe/Bratislava"
log_dir = "logs"

[schedules]
catalog = "every 10 minutes"
stock = "every 3 minutes"
reconcile = "daily at 03:00"

[connections.{CONNECTION}.woo]
url = "{woo_url}"
consumer_key = "{WOO_KEY}"
consumer_secret = "{WOO_SECRET}"

[connections.{CONNECTION}.backend]
type = "korona"
base_url = "{korona_url}"
account_id = "{kor.DEFAULT_ACCOUNT_ID}"
user = "{kor.DEFAULT_USER}"
password = "{kor.DEFAULT_PASSWORD}"
price_group = "{kor.PRICE_GROUP_WEBSHOP_ID}"
warehouse = "{kor.ORG_WAREHOUSE_ID}"
point_of_sale = "{kor.POS_WEBSHOP_ID}"
coupling_id = "tillsync-test"
"""


def write_config(folder: Path, woo_url: str, korona_url: str) -> Path:
    path = folder / "config.toml"
    path.write_text(config_text(woo_url, korona_url), encoding="utf-8")
    path.chmod(0o600)
    return path


def shown_config(folder: Path) -> TillsyncConfig:
    """The config the console displays: fixed URLs, so snapshots don't see ports."""
    return load_config(write_config(folder, SHOWN_WOO_URL, SHOWN_KORONA_URL))


def engine_factory(shop: Shop, folder: Path) -> Callable[[TillsyncConfig], Awaitable[Engine]]:
    """Opens the Engine on the shown config, talking to the sandboxes behind it."""
    (folder / "real").mkdir(exist_ok=True)
    real = load_config(write_config(folder / "real", shop.woo_url, shop.korona_url))

    async def open_engine(config: TillsyncConfig) -> Engine:
        engine = await Engine.open(config)
        shown = engine.connections[CONNECTION]
        engine.connections[CONNECTION] = build_connection(
            CONNECTION, real.connections[CONNECTION], engine.store, engine.bus
        )
        await shown.aclose()
        return engine

    return open_engine


def _order(shop: Shop, gateway: str, picks: list[tuple[int, int]]) -> dict[str, Any]:
    order = shop.woo.place_order(picks, payment_method=gateway, status="processing")
    return shop.woo.set_order_status(order["id"], "completed")


def _modified(order: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(order["date_modified_gmt"]).replace(tzinfo=UTC)


async def _runs(store: StateStore, clock: FixedClock) -> None:
    clock.set(4.2)
    run = await store.runs.start_run("catalog", connection=CONNECTION)
    clock.set(4.0)
    counts = RunCounts(read=12, written=10, failed=0, skipped=1)
    await store.runs.finish_run(run, ok=True, counts=counts, requests=9)
    clock.set(1.1)
    run = await store.runs.start_run("stock", connection=CONNECTION)
    clock.set(1.0)
    await store.runs.finish_run(
        run,
        ok=False,
        counts=RunCounts(read=40),
        requests=4,
        error="transient: KORONA answered 503 Service Unavailable",
    )


def _event(minutes_ago: float, level: Level, job: str, message: str, **extra: Any) -> dict:
    at = NOW - timedelta(minutes=minutes_ago)
    return {
        "at": at.isoformat(),
        "level": level.value,
        "job": job,
        "connection": CONNECTION,
        "type": extra.pop("type", "LogEvent"),
        "message": message,
        **extra,
    }


async def _events(store: StateStore) -> None:
    await store.events.append_many(
        [
            _event(300, Level.INFO, "catalog", "catalog started (full)", type="JobStarted"),
            _event(95, Level.ERROR, "orders", "order #31 failed", entity="order 31"),
            _event(4.2, Level.INFO, "catalog", "catalog started (incremental)", type="JobStarted"),
            _event(
                4.1,
                Level.WARNING,
                "catalog",
                "skipped product KB-0099: no webshop price",
                type="ItemSkipped",
                entity="product",
            ),
            _event(
                4.0,
                Level.INFO,
                "catalog",
                "catalog ok in 12.4s — read 12, written 10",
                type="JobFinished",
                run_id=1,
                ok=True,
            ),
            _event(
                3.0, Level.WARNING, "orders", "order held: payment gateway 'cheque'", entity="order"
            ),
            _event(
                1.0,
                Level.ERROR,
                "stock",
                "stock failed: KORONA answered 503",
                type="JobFinished",
                run_id=2,
                ok=False,
            ),
        ]
    )


async def _outbox(store: StateStore, shop: Shop, clock: FixedClock, products: list[int]) -> None:
    out, c = store.outbox, CONNECTION
    failed = _order(shop, "cod", [(products[0], 2)])
    clock.set(50)
    await out.enqueue(failed["id"], _modified(failed), failed, "webhook", connection=c)
    await out.claim_due(NOW, connection=c)
    clock.set(48)
    request = {
        "number": "WC-x-1-0",
        "items": [{"product": {"id": "1000"}, "quantity": 2}],
        "payments": [{"paymentMethod": {"id": "***"}}],
    }
    refusal = "UNRESOLVED_RELATION: items[0].product does not exist"
    response = [{"action": "NONE", "status": "ERROR", "message": refusal, "number": "WC-x-1-0"}]
    await out.mark_failed(
        failed["id"],
        kind="validation",
        error=f"KORONA refused receipt WC-x-1-0: {refusal}",
        hint="The remote rejected the data: check the item and its mappings.",
        request=json.dumps(request),
        response=json.dumps(response),
        connection=c,
    )
    booked = _order(shop, "bacs", [(products[1], 1)])
    clock.set(40)
    await out.enqueue(booked["id"], _modified(booked), booked, "poll", connection=c)
    await out.claim_due(NOW, connection=c)
    await out.mark_done(booked["id"], "WEB-1042", connection=c)
    await store.writebacks.owe(booked["id"], connection=c)  # WooCommerce refused the number
    await store.writebacks.dead_letter(
        booked["id"],
        "WooCommerce refused the receipt number (400)",
        "check the order in wp-admin, then retry the write-back",
        connection=c,
    )
    held = _order(shop, "cheque", [(products[2], 1)])
    clock.set(3)
    await out.enqueue(held["id"], _modified(held), held, "webhook", connection=c)
    await out.hold(
        held["id"], "needs mapping: payment gateway 'cheque' (Check payments)", connection=c
    )
    skipped = _order(shop, "bacs", [(products[3], 1)])
    clock.set(2)
    await out.enqueue(skipped["id"], _modified(skipped), skipped, "webhook", connection=c)
    await out.skip(skipped["id"], "test order, not a sale", connection=c)
    waiting = _order(shop, "cod", [(products[1], 1)])
    clock.set(0.5)
    await out.enqueue(waiting["id"], _modified(waiting), waiting, "webhook", connection=c)


async def seed_state(state_db: Path, shop: Shop) -> None:
    clock = FixedClock()
    simple = [
        pid
        for pid, p in sorted(shop.woo.products.items())
        if (p.get("type") or "simple") == "simple"
        and (p.get("status") or "publish") == "publish"
        and (p.get("stock_quantity") or 0) > 5
    ]
    async with StateStore.open(state_db, clock=clock, synchronous="NORMAL") as store:
        await store.mappings.import_all(
            {
                MappingKind.TAX_CLASS: {
                    kor.SECTOR_STANDARD_ID: "",
                    kor.SECTOR_REDUCED_ID: "reduced-rate",
                    kor.SECTOR_FREE_ID: "zero-rate",
                },
                MappingKind.PAYMENT: {"cod": kor.PAYMENT_CASH_ID, "bacs": kor.PAYMENT_WEBSHOP_ID},
            },
            connection=CONNECTION,
        )
        clock.set(4.1)
        links = [
            Link("product", str(1000 + i), pid, p.get("sku") or None, "h", name=p.get("name"))
            for i, (pid, p) in enumerate(sorted(shop.woo.products.items()))
        ]
        await store.links.upsert_many(links, connection=CONNECTION)
        await store.skipped.record(
            "product", "KB-0099", "no price in the webshop price group", connection=CONNECTION
        )
        await _runs(store, clock)
        await _events(store)
        await _outbox(store, shop, clock, simple)
        clock.set(48)  # the failed order's product was deleted in KORONA: found then
        gone = next(link for link in links if link.woo_id == simple[0])
        await store.links.mark_gone("product", [gone.backoffice_id], True, connection=CONNECTION)
