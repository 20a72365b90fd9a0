"""Fixtures: fresh sandboxes and a fresh installation per test."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox import korona as kor
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

from .installation import (
    KORONA_PASSWORD,
    WEBHOOK_SECRET,
    WOO_KEY,
    WOO_SECRET,
    Installation,
    config_text,
    secrets_text,
)

PRODUCTS = 60


@dataclass
class Sandboxes:
    korona: kor.KoronaSandbox
    woo: WooSandbox
    korona_server: RunningServer
    woo_server: RunningServer


@pytest.fixture
def sandboxes() -> Iterator[Sandboxes]:
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=PRODUCTS, rng_seed=3)
    sb = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    korona_server = start_server(kor.create_app(kb))
    woo_server = start_server(create_app(sb))
    sb.site_url = woo_server.url
    try:
        yield Sandboxes(kb, sb, korona_server, woo_server)
    finally:
        korona_server.stop()
        woo_server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def install(tmp_path: Path, sandboxes: Sandboxes) -> Installation:
    """A configured installation whose secrets must never be printed."""
    inst = Installation(tmp_path / "tillsync", (WOO_SECRET, WEBHOOK_SECRET, KORONA_PASSWORD))
    inst.write(
        config_text(sandboxes.woo_server, sandboxes.korona_server, inst.folder),
        secrets_text(),
    )
    return inst


def register_webhooks(sandboxes: Sandboxes, url: str, status: str = "active") -> list[int]:
    """Our order webhooks in the WooCommerce sandbox, created through its REST API.

    They are created paused (WooCommerce pings the URL of an active one, and
    this URL is not served), then set to ``status`` in the store's records,
    as WooCommerce itself does when it disables a failing webhook.
    """
    from engine.webhooks import ORDER_TOPICS
    from engine.woo import WooClient

    async def create() -> list[int]:
        async with WooClient(sandboxes.woo_server.url, WOO_KEY, WOO_SECRET) as woo:
            hooks = [
                await woo.create_webhook(
                    name=f"tillsync {topic}",
                    topic=topic,
                    delivery_url=url,
                    secret=WEBHOOK_SECRET,
                    status="paused",
                )
                for topic in sorted(ORDER_TOPICS)
            ]
        return [int(hook["id"]) for hook in hooks]

    ids = asyncio.run(create())
    with sandboxes.woo.lock:
        for hook_id in ids:
            sandboxes.woo.webhooks[hook_id]["status"] = status
    return ids


def buyable(sb: WooSandbox) -> list[int]:
    """Published simple products with a price and stock: what a shopper can put in a cart."""
    with sb.lock:
        return [
            pid
            for pid, p in sorted(sb.products.items())
            if p.get("status") == "publish"
            and p.get("type", "simple") == "simple"
            and p.get("regular_price")
            and (p.get("stock_quantity") or 0) >= 5
        ]
