"""``tillsync demo``: the built-in sandbox store and back office, ready to explore.

Starts a WooCommerce sandbox and a back-office sandbox on loopback, seeded
with a realistic shop, writes a demo configuration (secrets file 0600) in
``--dir`` pointing at them, and opens the dashboard, which starts with a
catalog sync.  A trickle of shoppers then keeps orders coming so every
screen has something real to show: most book cleanly, some pay with a
gateway nobody mapped (held), some buy a product the back office doesn't
know (held), and now and then the back office stumbles (two 503s), so
the retries show.  Which back office, and everything about it (its sandbox,
its config keys, the demo's mappings), comes from its entry's ``demo``.
Everything lives in ``--dir``: a demo never touches a real configuration,
and a second demo on the same folder (or one whose database an engine
holds) is refused before any file in it is touched.
``--no-ui`` only starts the sandboxes and prints their (sandbox-only)
credentials.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import random
import signal
import socket
import threading
from pathlib import Path
from typing import Any

from engine.runtime import (
    MARKER_NAME,
    InstanceLock,
    InstanceLockedError,
    TillsyncError,
    refuse_if_running,
)
from engine.runtime.views_setup import demo_entry
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

__all__ = [
    "DEMO_CONNECTION",
    "DEMO_WOO_KEY",
    "DemoSandboxes",
    "OrderTrickle",
    "claim_folder",
    "run",
    "seed_demo_mappings",
    "start_sandboxes",
    "write_demo_config",
]

DEMO_CONNECTION = "demo"
DEMO_WOO_KEY = "ck_demo_0000000000000000000000000000000000"
DEMO_WOO_SECRET = "cs_demo_0000000000000000000000000000000000"  # sandbox-only credential
DEMO_WEBHOOK_SECRET = "demo-webhook-secret-not-for-production"  # sandbox-only credential


class DemoSandboxes:
    """The shop and the back office of a demo; ``backoffice`` is what the entry's
    ``demo`` made (seeded, serving, and able to describe itself for the config)."""

    def __init__(self, woo: WooSandbox, woo_server: RunningServer, backoffice: Any) -> None:
        self.woo = woo
        self.woo_server = woo_server
        self.backoffice = backoffice

    def stop(self) -> None:
        self.woo_server.stop()
        self.backoffice.stop()


def _demo_back_office(backend: str | None = None) -> Any:
    """The entry's demo class, from its ``"module:attr"`` (the engine never imports a sandbox).

    Its class attributes ``tax_classes`` and ``payments`` are the demo's mappings;
    an instance is the seeded sandbox, serving.
    """
    module, _, attribute = demo_entry(backend).demo.partition(":")
    return getattr(importlib.import_module(module), attribute)


def start_sandboxes(
    products: int = 300, woo_port: int = 0, backoffice_port: int = 0, backend: str | None = None
) -> DemoSandboxes:
    woo = WooSandbox(consumer_key=DEMO_WOO_KEY, consumer_secret=DEMO_WOO_SECRET)
    woo_server = start_server(create_app(woo), port=woo_port)
    woo.site_url = woo_server.url
    try:
        backoffice = _demo_back_office(backend)(products=products, port=backoffice_port)
    except BaseException:
        woo_server.stop()
        raise
    return DemoSandboxes(woo, woo_server, backoffice)


def _toml_table(values: dict[str, str]) -> str:
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config_text(demo: DemoSandboxes, webhook_port: int) -> str:
    return f"""\
# tillsync demo configuration: points at the built-in sandboxes (loopback only).
[engine]
state_db = "state.db"
timezone = "UTC"
log_dir = "logs"

[webhooks]
host = "127.0.0.1"
port = {webhook_port}
public_url = "http://127.0.0.1:{webhook_port}/webhooks"

[schedules]
catalog = "every 10 minutes"
stock = "every 2 minutes"
orders_poll = "every 1 minute"
customers = "off"
reconcile = "daily at 03:00"
webhook_health = "every 15 minutes"

[connections.{DEMO_CONNECTION}.woo]
url = "{demo.woo_server.url}"
consumer_key = "{DEMO_WOO_KEY}"

[connections.{DEMO_CONNECTION}.backend]
{_toml_table(demo.backoffice.backend_config(DEMO_CONNECTION))}
[connections.{DEMO_CONNECTION}.sync]
new_products_status = "publish"

[connections.{DEMO_CONNECTION}.orders]
since = 2000-01-01T00:00:00Z  # the demo books the sandbox's seeded orders too
"""


def _secrets_text(demo: DemoSandboxes) -> str:
    return f"""\
[connections.{DEMO_CONNECTION}.woo]
consumer_secret = "{DEMO_WOO_SECRET}"
webhook_secret = "{DEMO_WEBHOOK_SECRET}"

[connections.{DEMO_CONNECTION}.backend]
{_toml_table(demo.backoffice.backend_secrets())}"""


def _write_private(path: Path, text: str) -> None:
    """0600 from the first byte, so no moment exists where a secret is world-readable."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_demo_config(folder: Path, demo: DemoSandboxes) -> Path:
    """config.toml + secrets.toml for the running sandboxes; a fresh state each time."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in ("state.db", "state.db-wal", "state.db-shm", MARKER_NAME):
        (folder / stale).unlink(missing_ok=True)
    config = folder / "config.toml"
    _write_private(config, _config_text(demo, _free_port()))
    _write_private(folder / "secrets.toml", _secrets_text(demo))
    return config


async def seed_demo_mappings(
    state_db: Path, connection: str = DEMO_CONNECTION, backend: str | None = None
) -> None:
    """Tax classes and two of three gateways mapped: the third shows a held order."""
    from engine.runtime import MappingKind, seed_mappings

    backoffice = _demo_back_office(backend)
    await seed_mappings(
        state_db,
        {MappingKind.TAX_CLASS: backoffice.tax_classes, MappingKind.PAYMENT: backoffice.payments},
        connection,
    )


class OrderTrickle(threading.Thread):
    """Shoppers checking out every few seconds, and staff completing their orders.

    Runs in its own thread against the sandbox objects (which lock their
    state), the way real shoppers act on a shop while tillsync runs.
    """

    def __init__(self, demo: DemoSandboxes, every: float = 10.0, seed: int = 7) -> None:
        super().__init__(name="demo-orders", daemon=True)
        self.demo = demo
        self.every = every
        self.stop_event = threading.Event()
        self._rng = random.Random(seed)
        self._placed = 0

    def run(self) -> None:
        while not self.stop_event.wait(self.every):
            try:
                self.place_one()
            except Exception:  # a refused checkout (out of stock…) is part of shop life
                continue

    def stop(self) -> None:
        self.stop_event.set()

    def _buyable(self) -> list[int]:
        woo = self.demo.woo
        with woo.lock:
            return [
                pid
                for pid, p in woo.products.items()
                if (p.get("status") or "publish") == "publish"
                and (p.get("type") or "simple") == "simple"
                and p.get("regular_price")
                and (p.get("stock_quantity") or 0) > 3
            ]

    def place_one(self) -> int | None:
        """One checkout, in a cycle of six that shows every outcome.

        1, 5, 6 book cleanly; 2 buys a product the back office has just
        deleted (the back office refuses the sale: a failed order); 3 pays by
        cheque, which nobody mapped (held); 4 meets two 503s from the back office
        (retried with backoff, then booked).
        """
        ids = self._buyable()
        if not ids:
            return None
        self._placed += 1
        step = self._placed % 6
        picked = self._rng.sample(ids, k=min(2, len(ids)))
        gateway = "cheque" if step == 3 else self._rng.choice(("cod", "bacs"))
        if step == 2:
            self._remove_from_backoffice(picked[0])
        if step == 4:
            self.demo.backoffice.stumble()
        lines = [(pid, self._rng.randint(1, 2)) for pid in picked]
        # a back office's demo may shape a checkout to show off what it does
        # (e.g. an order in a foreign currency, converted at the day's rate)
        shaped = getattr(self.demo.backoffice, "order_extra", None)
        extra = shaped(step) if shaped is not None else {}
        order = self.demo.woo.place_order(
            lines, payment_method=gateway, status="processing", **extra
        )
        self.demo.woo.set_order_status(order["id"], "completed")
        # and its staff may do something of their own meanwhile (an order taken in a store)
        acts = getattr(self.demo.backoffice, "backoffice_step", None)
        if acts is not None:
            acts(step)
        return int(order["id"])

    def _remove_from_backoffice(self, product_id: int) -> None:
        """Staff delete the product in the back office while the shop still sells it."""
        sku = self.demo.woo.products[product_id].get("sku")
        if sku:
            self.demo.backoffice.remove_product(sku)


def _open_dashboard(config: Path, demo: DemoSandboxes) -> int:
    from engine.runtime import load_config
    from tui.app import TillsyncApp
    from tui.commands.dashboard import log_to_file

    loaded = load_config(config)
    log_to_file(loaded)
    backend = loaded.connections[DEMO_CONNECTION].backend.type
    asyncio.run(seed_demo_mappings(loaded.engine.state_db, backend=backend))
    trickle = OrderTrickle(demo)
    trickle.start()
    try:
        app = TillsyncApp(config, config=loaded, first_jobs=("catalog",))
        return int(app.run() or 0)
    finally:
        trickle.stop()


def _wait_for_ctrl_c(demo: DemoSandboxes, config: Path) -> int:
    print("tillsync demo — built-in sandboxes on loopback (sandbox-only credentials):")
    print(f"  WooCommerce store : {demo.woo_server.url}/wp-json/wc/v3")
    print(f"    consumer key {DEMO_WOO_KEY}  consumer secret {DEMO_WOO_SECRET}")
    print(demo.backoffice.credentials())
    print(f"  demo configuration: {config}  (open it with: tillsync --config {config})")
    print("Press Ctrl-C to stop.", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    return 0


def claim_folder(folder: Path) -> InstanceLock:
    """The demo folder, locked for this process before any file in it is touched.

    A second ``tillsync demo`` on the same folder would otherwise delete the
    running one's state database and rewrite its config; it is refused here
    instead, as is a demo on a folder whose database another engine (a
    console opened with the demo's config) holds.
    """
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise TillsyncError(
            f"cannot create the demo folder {folder}: {error.strerror or error}",
            hint="give a folder you can write to with --dir",
        ) from None
    try:
        lock = InstanceLock.acquire(folder / "demo")
    except InstanceLockedError as refused:
        raise TillsyncError(
            f"another tillsync demo (PID {refused.pid or 'unknown'}) is running in {folder}",
            hint="stop it first (Ctrl-C in its terminal), or start this one with its own --dir",
        ) from None
    try:
        refuse_if_running(folder / "state.db")
    except BaseException:
        lock.release()
        raise
    return lock


def run(args: argparse.Namespace) -> int:
    with claim_folder(Path(args.dir)):
        demo = start_sandboxes(backend=getattr(args, "backend", None))
        try:
            config = write_demo_config(Path(args.dir), demo)
            if args.no_ui:
                return _wait_for_ctrl_c(demo, config)
            return _open_dashboard(config, demo)
        finally:
            demo.stop()
