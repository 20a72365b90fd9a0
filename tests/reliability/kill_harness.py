"""Sandboxes for the kill tests and the moves they share: start, kill -9, check the file."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from sandbox import korona as kor
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import HostModel, WooSandbox, create_app
from tests.reliability.service import WOO_KEY, WOO_SECRET, Service
from tests.reliability.soak import FAST_KILLS, SOAK_KILLS

__all__ = ["KILLS", "Shop", "kill_mid_run", "shop", "sound", "wait_until"]

KILLS = [
    pytest.param(FAST_KILLS, id=f"{FAST_KILLS}-kills"),
    pytest.param(SOAK_KILLS, id=f"{SOAK_KILLS}-kills", marks=pytest.mark.slow),
]


@dataclass
class Shop:
    kb: kor.KoronaSandbox
    sb: WooSandbox
    korona_server: RunningServer
    woo_server: RunningServer
    placed: dict[int, dict] = field(default_factory=dict)


@contextmanager
def shop(products: int, woo_host: HostModel | None = None) -> Iterator[Shop]:
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=products, rng_seed=11, customers=0)
    sb = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET, host_model=woo_host)
    sb.webhook_delay = 0.05
    korona_server, woo_server = start_server(kor.create_app(kb)), start_server(create_app(sb))
    try:
        yield Shop(kb, sb, korona_server, woo_server)
    finally:
        korona_server.stop()
        woo_server.stop()


def wait_until(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def sound(service: Service) -> None:
    assert service.query("PRAGMA integrity_check") == [("ok",)]


def kill_mid_run(service: Service, rng: random.Random, job: str) -> int:
    """Start, let ``job`` begin, SIGKILL at a random moment; returns runs left open."""
    service.start()
    service.wait_for(f"{job} started", timeout=30)
    time.sleep(rng.uniform(0.1, 2.5))
    service.kill9()
    sound(service)
    return service.query("SELECT count(*) FROM runs WHERE finished_at IS NULL")[0][0]
