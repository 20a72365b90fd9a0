"""Both sandboxes on loopback, each behind a :class:`FaultyProxy`, and helpers to drive
the order worker until an order settles."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.store import OutboxState
from engine.sync.orders import OrderWorker
from sandbox import korona as kor
from sandbox.server import start_server
from sandbox.tls import make_self_signed
from sandbox.woocommerce import WooSandbox, create_app
from tests.integration.orders_harness import WOO_KEY, WOO_SECRET, Servers, World
from tests.reliability.faulty_proxy import FaultyProxy

__all__ = ["Proxied", "drain_until", "proxied_sandboxes"]


@dataclass
class Proxied:
    servers: Servers
    korona: FaultyProxy
    woo: FaultyProxy
    woo_ca: str | None = None  # CA file when the shop is served over https


@contextmanager
def proxied_sandboxes(
    products: int = 12,
    *,
    woo_products: int = 0,
    hang_seconds: float = 1.5,
    woo_tls: Path | None = None,
) -> Iterator[Proxied]:
    """Fresh sandboxes seeded like the orders harness, served through fault proxies.

    ``woo_tls`` (a folder for the certificates) serves the shop over https, where
    clients use Basic auth as most live shops do — over http WooCommerce wants
    OAuth 1.0a, whose nonce makes a replayed request a 401 instead.
    """
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=products, rng_seed=7, customers=0)
    sb = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    if woo_products:
        sb.seed_demo(products=woo_products, rng_seed=7)
    sb.webhook_delay = 0.05
    korona_proxy = FaultyProxy(kor.create_app(kb), hang_seconds=hang_seconds)
    woo_proxy = FaultyProxy(create_app(sb), hang_seconds=hang_seconds)
    tls: dict[str, str] = {}
    ca = None
    if woo_tls is not None:
        certfile, keyfile, ca = make_self_signed(woo_tls)
        tls = {"ssl_certfile": certfile, "ssl_keyfile": keyfile}
    korona_server = start_server(korona_proxy)
    woo_server = start_server(woo_proxy, **tls)
    try:
        servers = Servers(kb, sb, korona_server, woo_server)
        yield Proxied(servers, korona_proxy, woo_proxy, ca)
    finally:
        korona_proxy.clear()
        woo_proxy.clear()
        korona_server.stop()
        woo_server.stop()


async def drain_until(
    world: World, worker: OrderWorker, order_id: int, state: OutboxState, within: float = 20.0
) -> int:
    """Drain (honouring the worker's pause, as run_forever does) until the order is in
    ``state``; returns the number of drains it took."""
    deadline = time.monotonic() + within
    drains = 0
    while True:
        entry = await world.ctx.store.outbox.get(order_id)
        if entry is not None and entry.state is state:
            return drains
        assert time.monotonic() < deadline, f"order {order_id} stuck in {entry and entry.state}"
        await worker.drain()
        drains += 1
        await asyncio.sleep(0.05)
