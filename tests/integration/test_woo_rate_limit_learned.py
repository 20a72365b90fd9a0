"""A shop behind a firewall rate limit, over loopback: the client learns the rate.

The WooCommerce sandbox's token bucket (``rate_limit_rps``, burst 2) answers
429 + ``Retry-After`` above its rate, as nginx ``limit_req`` or a WAF does.
A first run with an empty state database learns the rate from its first
429s and keeps it per host; a second run starts at it.  Each run makes more
than 300 requests, so that one 429 is a third of a percent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.store import StateStore
from engine.transport import RetryPolicy
from engine.woo import WooClient
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

KEY, SECRET = "ck_7a6b5c4d3e2f10a9b8c7d6e5f4a3b2c1", "cs_1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f"
# 50 ms apart: a busy CI box wakes the pacer late by milliseconds, not by a whole spacing
RATE, REQUESTS, WORKERS = 20.0, 320, 4
RETRY = RetryPolicy(max_attempts=8, base_delay=0.05, max_delay=0.5)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shop() -> Iterator[RunningServer]:
    sb = WooSandbox(consumer_key=KEY, consumer_secret=SECRET)
    sb.seed_demo(products=5)
    sb.host_model = sb.host_model.patched({"rate_limit_rps": RATE, "rate_limit_burst": 2})
    server = start_server(create_app(sb))
    yield server
    server.stop()


async def one_run(url: str, store: StateStore) -> tuple[int, int, float | None]:
    """REQUESTS reads from WORKERS at once; (requests sent, 429s, pace at the end)."""
    async with WooClient(url, KEY, SECRET, retry=RETRY, rates=store.rates) as woo:
        queue = list(range(REQUESTS))

        async def worker() -> None:
            while queue:
                queue.pop()
                await woo.get("products", {"per_page": 1})

        await asyncio.gather(*(worker() for _ in range(WORKERS)))
        stats = woo.stats.snapshot()
        assert woo.remote.pacer is not None
        return stats.total, stats.rate_limited, woo.remote.pacer.rate


async def test_the_rate_is_learned_kept_per_host_and_the_next_run_starts_at_it(
    shop: RunningServer, tmp_path: Path
) -> None:
    host = shop.url.split("://", 1)[1].rstrip("/")
    async with StateStore.open(tmp_path / "state.db") as store:
        sent, refused, _ = await one_run(shop.url, store)
        # learning costs a fixed handful: the requests in flight at the first 429, a bisection
        assert sent >= 300 and refused / sent < 0.04
        kept = await store.rates.load(host)
    assert kept is not None
    learned, _ = kept
    assert 0.75 * RATE <= learned <= 1.02 * RATE

    async with StateStore.open(tmp_path / "state.db") as store:
        sent, refused, pace = await one_run(shop.url, store)
    assert sent >= 300 and refused / sent < 0.01, f"{refused} of {sent} answered 429"
    assert pace is not None and pace >= learned * 0.9
