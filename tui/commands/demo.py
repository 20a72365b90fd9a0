"""``tillsync demo``: the built-in sandbox store and back office, ready to explore.

Starts a WooCommerce sandbox and a KORONA POS sandbox on loopback, seeded
with a realistic shop, and says where they listen.  (When the dashboard
lands, this command opens it pointed at them.)  Everything lives in
``--dir`` so a demo never touches a real configuration.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from sandbox import korona
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

__all__ = ["DEMO_WOO_KEY", "DemoSandboxes", "run", "start_sandboxes"]

DEMO_WOO_KEY = "ck_demo_0000000000000000000000000000000000"
DEMO_WOO_SECRET = "cs_demo_0000000000000000000000000000000000"  # sandbox-only credential


class DemoSandboxes:
    def __init__(self, woo: WooSandbox, kb: korona.KoronaSandbox, servers: list[RunningServer]):
        self.woo = woo
        self.korona = kb
        self.woo_server, self.korona_server = servers

    @property
    def korona_base_url(self) -> str:
        return f"{self.korona_server.url}{korona.API_BASE}"

    def stop(self) -> None:
        for server in (self.woo_server, self.korona_server):
            server.stop()


def start_sandboxes(products: int = 300, woo_port: int = 0, korona_port: int = 0) -> DemoSandboxes:
    woo = WooSandbox(consumer_key=DEMO_WOO_KEY, consumer_secret=DEMO_WOO_SECRET)
    kb = korona.KoronaSandbox()
    kb.seed_demo(products=products, rng_seed=1)
    servers = [
        start_server(create_app(woo), port=woo_port),
        start_server(korona.create_app(kb), port=korona_port),
    ]
    woo.site_url = servers[0].url
    return DemoSandboxes(woo, kb, servers)


def run(args: argparse.Namespace) -> int:
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    demo = start_sandboxes()
    print("tillsync demo — built-in sandboxes on loopback:")
    print(
        f"  WooCommerce store : {demo.woo_server.url}/wp-json/wc/v3  (consumer key {DEMO_WOO_KEY})"
    )
    print(f"  KORONA back office: {demo.korona_base_url}  (account {korona.DEFAULT_ACCOUNT_ID})")
    print("Press Ctrl-C to stop.")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        demo.stop()
    return 0
