"""400 configured connections start in well under 5 s: one SSL context per CA set.

Each HTTP client used to build its own SSL context and load the certificate
bundle into it (two per connection: the shop and the back office, even for
plain http), ~80 ms each, so 10,000 connections took minutes to start.
"""

from __future__ import annotations

import time

from engine.backends.korona import KoronaBackend, KoronaSettings
from engine.woo import WooClient

CONNECTIONS = 400


def _korona(n: int) -> KoronaSettings:
    return KoronaSettings(
        base_url=f"https://{n}.koronacloud.example/web/api/v3",
        account_id="3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f",
        user="woo-sync",
        password=f"pw-{n}",
    )


def _context(client: object) -> object:
    """The SSL context of a client's transport (KORONA wraps it in its quota transport)."""
    transport = client._http._transport  # type: ignore[attr-defined]
    transport = getattr(transport, "_inner", transport)
    return transport._pool._ssl_context


async def test_400_connections_start_in_under_5_seconds_sharing_one_context() -> None:
    started = time.perf_counter()
    shops = [WooClient(f"https://shop{n}.example", "ck_x", "cs_x") for n in range(CONNECTIONS)]
    plain = [WooClient(f"http://plain{n}.example", "ck_x", "cs_x") for n in range(CONNECTIONS)]
    backends = [KoronaBackend(_korona(n)) for n in range(CONNECTIONS)]
    took = time.perf_counter() - started
    try:
        contexts = {id(_context(c.remote)) for c in shops + plain}
        contexts |= {id(_context(b.client)) for b in backends}
        assert len(contexts) == 1
        assert took < 5.0, f"{CONNECTIONS} connections took {took:.2f} s to start"
        print(f"{CONNECTIONS} connections (3 clients each) started in {took:.2f} s")
    finally:
        for closable in (*shops, *plain, *backends):
            await closable.aclose()
