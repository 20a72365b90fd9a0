"""``python -m tui.screenshots`` (``make screenshots``): SVGs of every screen.

Drives the real console with Textual's Pilot at 120×36, then again at
80×24 (``*-80x24.svg``: what an admin sees over SSH), against the demo
sandboxes (STYLE.md §11): the demo config, a first catalog sync, a dozen
shoppers (booked, failed, held and retried orders), then one screenshot
per screen into ``screenshots/``.  Then the Orders screen's Drafts tab, on
the demo of the first back office that keeps orders short of stock as
drafts (``--drafts-only`` takes just those).  Nothing here is mocked; a run
takes about two minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import TabbedContent, Tabs

from engine.runtime import OutboxState, load_config
from engine.runtime.views import ConsoleOffers
from engine.runtime.views_drafts import list_drafts
from engine.runtime.views_reconcile import drift_report
from engine.runtime.views_setup import SetupAnswers, sandbox_entries
from tui.app import TillsyncApp
from tui.commands.demo import (
    DEMO_CONNECTION,
    OrderTrickle,
    seed_demo_mappings,
    start_sandboxes,
    write_demo_config,
)
from tui.modals.confirm import ConfirmModal
from tui.screens.first_run import FirstRunScreen

__all__ = ["capture", "main"]

SIZE = (120, 36)
SMALL = (80, 24)
ORDERS = 12


async def _until(pilot: Pilot, ready: Callable[[], Awaitable[bool]], within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not await ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the demo did not get there in time")
        await pilot.pause(0.2)


async def _still(pilot: Pilot) -> None:
    """No loading worker running, and a frame drawn after it."""
    app = pilot.app

    async def idle() -> bool:
        return (
            not [w for w in app.workers if w.group != "engine-events" and w.is_running]
            and app.ready
        )

    await _until(pilot, idle)
    await pilot.pause(0.3)


async def _shop_with_history(app: TillsyncApp, pilot: Pilot, trickle: OrderTrickle) -> None:
    async def catalog_done() -> bool:
        if not app.ready:
            return False
        run = await app.call(app.engine.last_run("catalog", DEMO_CONNECTION))
        return run is not None and run.finished_at is not None

    await _until(pilot, catalog_done, within=120)
    for _ in range(ORDERS):
        await asyncio.to_thread(trickle.place_one)

    async def settled() -> bool:
        counts = await app.call(app.engine.order_counts(DEMO_CONNECTION))
        return (
            counts[OutboxState.FAILED]
            and counts[OutboxState.HELD]
            and (counts[OutboxState.DONE] >= ORDERS // 2)
        )

    await _until(pilot, settled, within=120)


async def _shoot(
    app: TillsyncApp, pilot: Pilot, folder: Path, name: str, *keys: str, suffix: str = ""
) -> Path:
    for key in keys:
        await pilot.press(key)
        await _still(pilot)
    path = folder / f"{name}{suffix}.svg"
    app.save_screenshot(filename=path.name, path=str(folder))
    print(f"  {path}")
    return path


async def _orders_tab(app: TillsyncApp, pilot: Pilot, tab: str) -> None:
    """Orders on one state's tab, wherever the screen was left."""
    await pilot.press("3")
    await _still(pilot)
    app.screen.query_one(Tabs).active = f"tab-{tab}"
    await _still(pilot)


async def _mappings_pane(app: TillsyncApp, pilot: Pilot, pane: str) -> None:
    """Mappings on one section, whichever the screen was left on."""
    await pilot.press("4")
    await _still(pilot)
    app.screen.query_one(TabbedContent).active = pane
    await _still(pilot)


async def _tour(app: TillsyncApp, pilot: Pilot, folder: Path, suffix: str = "") -> list[Path]:
    async def shoot(name: str, *keys: str) -> Path:
        return await _shoot(app, pilot, folder, name, *keys, suffix=suffix)

    await _orders_tab(app, pilot, "failed")
    shots = [
        await shoot("dashboard", "1"),
        await shoot("logs", "2"),
        await shoot("orders-failed", "3"),
        await shoot("orders-held", "right_square_bracket"),
    ]
    for pane, name in (("pane-payment", "mappings"), ("pane-default", "mappings-defaults")):
        await _mappings_pane(app, pilot, pane)
        shots.append(await shoot(name))
    shots += [
        await shoot("products", "5"),
        await shoot("products-dry-run", "d"),
        await shoot("settings", "escape", "6", "t"),
    ]
    await _orders_tab(app, pilot, "done")  # a booked order: the one a void applies to
    await pilot.press("v")
    await _still(pilot)
    if not isinstance(app.screen, ConfirmModal):
        raise RuntimeError("the void dialog did not open on a booked order")
    await pilot.press(*"customer returned it")
    shots.append(await shoot("orders-void-confirm"))
    await pilot.press("escape")
    await _still(pilot)
    shots.append(await _drift(app, pilot, shoot))
    return shots


async def _drift(app: TillsyncApp, pilot: Pilot, shoot: Callable[..., Awaitable[Path]]) -> Path:
    """The Drift view after a reconcile of the demo's day (its orders were placed today)."""
    if await app.call(drift_report(app.engine, app.connection)) is None:
        today = str(datetime.now(UTC).date())
        await app.call(app.engine.run_job("reconcile", app.connection, start=today))
    shot = await shoot("drift", "1", "d")
    await pilot.press("escape")
    await _still(pilot)
    return shot


async def _first_run(app: TillsyncApp, pilot: Pilot, folder: Path) -> Path:
    answers = SetupAnswers(
        woo_url="https://shop.example.com",
        consumer_key="ck_0123456789abcdef0123456789abcdef01234567",
        consumer_secret="cs_not_shown_in_screenshots",
        base_url="https://pos.example.com/api/v3",
        account_id="3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f",
        user="woo-sync",
    )
    await app.push_screen(FirstRunScreen(None, answers))
    await pilot.pause(0.5)
    return await _shoot(app, pilot, folder, "first-run")


def _drafts_back_office() -> str | None:
    """The first back office whose demo keeps orders short of stock as drafts (None: none)."""
    for entry in sandbox_entries():
        if entry.demo and ConsoleOffers.of(entry.capabilities).drafts:
            return entry.name
    return None


async def _a_draft(app: TillsyncApp, pilot: Pilot, trickle: OrderTrickle) -> None:
    """The catalog in the shop, then checkouts until one is kept as a draft (the demo's
    second checkout buys a product just sold out at the back office)."""

    async def catalog_done() -> bool:
        run = app.ready and await app.call(app.engine.last_run("catalog", DEMO_CONNECTION))
        return bool(run and run.finished_at is not None)

    await _until(pilot, catalog_done, within=120)
    for _ in range(2):
        await asyncio.to_thread(trickle.place_one)

    async def drafted() -> bool:
        return bool(await app.call(list_drafts(app.engine, DEMO_CONNECTION)))

    await _until(pilot, drafted, within=120)


async def capture_drafts(folder: Path) -> list[Path]:
    """The Orders screen's Drafts tab at both sizes, where a demo back office keeps drafts."""
    backend = _drafts_back_office()
    if backend is None:
        return []
    demo = start_sandboxes(products=40, backend=backend)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_demo_config(Path(tmp), demo)
            loaded = load_config(config)
            await seed_demo_mappings(loaded.engine.state_db, backend=backend)
            app = TillsyncApp(config, config=loaded, first_jobs=("catalog",))
            async with app.run_test(size=SIZE) as pilot:
                await _a_draft(app, pilot, OrderTrickle(demo))
                await _orders_tab(app, pilot, "drafts")
                shots = [await _shoot(app, pilot, folder, "orders-drafts")]
                await pilot.resize_terminal(*SMALL)
                await _still(pilot)
                shots.append(await _shoot(app, pilot, folder, "orders-drafts", suffix="-80x24"))
            return shots
    finally:
        demo.stop()


async def capture(folder: Path) -> list[Path]:
    """Every screen of a living demo shop, as SVG files in ``folder`` (which must exist)."""
    demo = start_sandboxes(products=300)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_demo_config(Path(tmp), demo)
            loaded = load_config(config)
            await seed_demo_mappings(loaded.engine.state_db)
            app = TillsyncApp(config, config=loaded, first_jobs=("catalog",))
            async with app.run_test(size=SIZE) as pilot:
                await _shop_with_history(app, pilot, OrderTrickle(demo))
                shots = await _tour(app, pilot, folder)
                await pilot.resize_terminal(*SMALL)
                await _still(pilot)
                shots += await _tour(app, pilot, folder, suffix=f"-{SMALL[0]}x{SMALL[1]}")
                await pilot.resize_terminal(*SIZE)
                shots.append(await _first_run(app, pilot, folder))
            return shots
    finally:
        demo.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.screenshots", description=__doc__)
    parser.add_argument("--out", default="screenshots", help="folder for the SVG files")
    parser.add_argument(
        "--drafts-only", action="store_true", help="only the Orders screen's Drafts tab"
    )
    args = parser.parse_args(argv)
    print(f"tillsync screenshots at {SIZE[0]}×{SIZE[1]} and {SMALL[0]}×{SMALL[1]}:")
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    shots = [] if args.drafts_only else asyncio.run(capture(folder))
    shots += asyncio.run(capture_drafts(folder))
    print(f"{len(shots)} screenshots written.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
