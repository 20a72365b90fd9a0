"""The console during a large catalog sync, driven by Textual's Pilot in a child.

The real app (``tui.app.TillsyncApp``) opens the real Engine from a config
file pointing at the sandboxes and starts the catalog job as it opens (the
``first_jobs`` of ``tillsync dashboard``).  While the job runs, a key that
switches screens is pressed every ``interval`` seconds; the latency is from
just before the key press to the first idle frame after the app's current
screen is the one the key asked for (``pilot.pause()`` until it shows).
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from textual import events

from bench.tillsync_side import PAYMENTS, TAX_CLASSES, connection_tables
from bench.ui_profile import from_environment
from engine.config import load_config
from engine.runtime.control import probe_service
from engine.store import MappingKind, StateStore
from tui.app import TillsyncApp
from tui.widgets.nav_bar import SCREENS

__all__ = ["attached_run", "dashboard_run"]

CONNECTION = "bench"
CYCLE = ("logs", "orders", "products", "dashboard")  # keys 2, 3, 5, 1
KEYS = {mode: str(i) for i, (mode, _label, _short) in enumerate(SCREENS, start=1)}


def _config(folder: Path, payload: dict[str, Any], webhook_port: int = 8787) -> Path:
    text = f"""
[engine]
state_db = "{payload["state_db"]}"
timezone = "UTC"
log_dir = "logs"

[webhooks]
port = {webhook_port}

[schedules]
catalog = "off"
stock = "off"
orders_poll = "off"
customers = "off"
reconcile = "off"
webhook_health = "off"

"""
    text += connection_tables(payload, CONNECTION)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # it holds (sandbox) secrets; the loader insists
    return path


async def _mappings(state_db: str) -> None:
    store = await StateStore.open(Path(state_db))
    try:
        for source, target in TAX_CLASSES.items():
            await store.mappings.set(MappingKind.TAX_CLASS, source, target, connection=CONNECTION)
        for gateway, method in PAYMENTS.items():
            await store.mappings.set(MappingKind.PAYMENT, gateway, method, connection=CONNECTION)
    finally:
        await store.close()


async def _last_catalog_run(app: TillsyncApp) -> Any:
    """Asked through the facade: the console's own engine, or the service it attached to."""
    return await app.call(app.engine.last_run("catalog", CONNECTION))


async def _sync_running(app: TillsyncApp) -> bool:
    run = await _last_catalog_run(app)
    return run is not None and run.finished_at is None


class FrameLog:
    """When the app last put a frame of each mode's screen out (headless: not written,
    but composed and handed to the driver exactly as on a terminal).

    A frame composed while updates are held (``App._batch_count``: ``switch_mode``
    holds them for 50 ms, ``delay_update``) is dropped by ``App._display``, so it
    is not one the user sees and is not counted (it was, before 2026-12-03 10:10).
    """

    def __init__(self, app: TillsyncApp) -> None:
        self.last: dict[str, float] = {}
        self.dropped = 0  # frames composed while updates were held
        inner = app._display

        def display(screen: Any, renderable: Any) -> None:
            held = app._batch_count > 0
            inner(screen, renderable)
            if renderable is None or screen is not app.screen:
                return
            if held:
                self.dropped += 1
                return
            self.last[app.current_mode] = time.perf_counter()

        app._display = display  # type: ignore[method-assign]


async def _switch(app: TillsyncApp, frames: FrameLog, mode: str, give_up_s: float = 10.0) -> float:
    """Key press to the first frame showing ``mode``'s screen.

    The key goes in as Pilot sends it (a Key event to the driver), but we
    don't time ``pilot.press()``/``pilot.pause()``: both wait for the whole
    *process* to be idle (``wait_for_idle``, up to 1 s each), which during a
    sync measures the sync's CPU use, not what the user sees.
    """
    started = time.perf_counter()
    app._driver.send_message(events.Key(KEYS[mode], KEYS[mode]))  # type: ignore[union-attr]
    while frames.last.get(mode, 0.0) < started:
        if time.perf_counter() - started > give_up_s:
            return float("inf")
        await asyncio.sleep(0.001)
    return frames.last[mode] - started


async def _drive(
    app: TillsyncApp, interval: float, limit_s: float, *, start: bool = False
) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    async with app.run_test(size=(120, 36)) as pilot:
        frames = FrameLog(app)
        deadline = time.monotonic() + limit_s
        while not (app.ready and app.current_mode == "dashboard"):
            await pilot.pause(0.05)
        if start:  # attached: the service runs the job, the console only asks for it
            job = asyncio.ensure_future(app.call(app.engine.run_job("catalog", CONNECTION)))
        while not await _sync_running(app):
            await pilot.pause(0.05)
        started = time.perf_counter()
        profiler = from_environment()  # off unless asked for (see bench.ui_profile)
        if profiler is not None:
            profiler.start()
        i = 0
        while await _sync_running(app) and time.monotonic() < deadline:
            mode = CYCLE[i % len(CYCLE)]
            first = all(s["mode"] != mode for s in samples) and mode != "dashboard"
            before = (time.perf_counter(), profiler.stats()) if profiler else None
            latency = await _switch(app, frames, mode)
            if profiler is not None and before is not None:
                profiler.key(mode, *before, latency)
            samples.append({"mode": mode, "latency_s": round(latency, 4), "first_visit": first})
            i += 1
            await asyncio.sleep(interval)
        if profiler is not None:
            profiler.stop()
        while await _sync_running(app) and time.monotonic() < deadline:
            await pilot.pause(0.2)
        sync_s = time.perf_counter() - started
        if start:
            await job
        run = await _last_catalog_run(app)
    return {"samples": samples, "sync_seen_s": round(sync_s, 2), "run_ok": bool(run and run.ok)}


async def dashboard_run(payload: dict[str, Any]) -> dict[str, Any]:
    """Open the console on the sandboxes, start the catalog job, switch screens meanwhile."""
    folder = Path(payload["state_db"]).parent
    await _mappings(payload["state_db"])
    config = load_config(_config(folder, payload))
    app = TillsyncApp(config.source, config=config, first_jobs=("catalog",))
    return await _drive(app, float(payload.get("interval", 0.25)), float(payload["timeout"]))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _service(config: Path, state_db: str) -> subprocess.Popen[bytes]:
    """``tillsync run --headless`` in its own process, until its control socket answers."""
    service = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "run", "--headless", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=config.parent,
    )
    deadline = time.monotonic() + 60
    while not probe_service(state_db).live:
        if service.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the headless service did not open its control socket")
        time.sleep(0.05)
    return service


async def attached_run(payload: dict[str, Any]) -> dict[str, Any]:
    """The same keys, the console attached to a headless service that runs the catalog job."""
    folder = Path(payload["state_db"]).parent
    await _mappings(payload["state_db"])
    config = _config(folder, payload, webhook_port=_free_port())
    service = await asyncio.to_thread(_service, config, payload["state_db"])
    try:
        app = TillsyncApp(config)  # the default factory attaches to the running service
        interval, limit = float(payload.get("interval", 0.25)), float(payload["timeout"])
        return await _drive(app, interval, limit, start=True)
    finally:
        service.send_signal(signal.SIGTERM)
        await asyncio.to_thread(service.wait, 60)
