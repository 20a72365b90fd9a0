"""The console attached to a service: its title bar (snapshots too, attached and while the
service restarts), and the service's work shown live."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Tab
from textual.worker import WorkerState

from engine.runtime import Engine, JobProgress, OutboxState, TillsyncConfig
from engine.runtime.control import RemoteEngine
from tests.tui.attached import SERVICE_PID, InProcessService, attached_factory
from tests.tui.pilot import settle, until, until_async
from tests.tui.seed import CONNECTION, NOW, Shop, seed_state, shown_config
from tui.app import TillsyncApp
from tui.widgets.job_card import JobCard
from tui.widgets.nav_bar import NavBar


@pytest.fixture
def service() -> Iterator[InProcessService]:
    service = InProcessService()
    try:
        yield service
    finally:
        service.cleanup()


@pytest.fixture
def make_attached(
    tmp_path: Path, shop: Shop, service: InProcessService
) -> Callable[..., TillsyncApp]:
    config = shown_config(tmp_path)
    asyncio.run(seed_state(config.engine.state_db, shop))
    factory = attached_factory(shop, tmp_path, service)

    def make(**options: Any) -> TillsyncApp:
        return TillsyncApp(
            config.source, config=config, engine_factory=factory, clock=lambda: NOW, **options
        )

    return make


async def test_the_title_bar_names_the_service(make_attached) -> None:
    app = make_attached()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        bar = str(app.screen.query_one(NavBar).render())
        assert f"attached to service (pid {SERVICE_PID})" in bar
        assert "1 Dashboard" in bar  # the screens keep their keys


async def test_job_cards_follow_the_services_run_live(
    make_attached, shop: Shop, service: InProcessService
) -> None:
    """A run the service makes (not this console) moves the card: running, progress, done."""
    shop.korona.knobs.update(latency_ms=150)  # a run long enough to be seen running
    app = make_attached()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        card = app.screen.query_one("#job-catalog", JobCard)
        before = card.view.last_run
        assert service.engine is not None
        run = app.host.call(service.engine.run_job("catalog", CONNECTION, full=True))
        job = asyncio.ensure_future(run)
        await until(pilot, lambda: card.view.state == "running")
        await until(pilot, lambda: isinstance(card._progress, JobProgress))
        await job
        await until(pilot, lambda: card.view.state != "running")
        assert card.view.last_run is not None and card.view.last_run != before
        assert card.view.last_run.ok


def _shot(*, restarting: bool, service: InProcessService) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        if restarting:
            assert service.server is not None
            await pilot.app.host.call(service.server.stop())
            await until(pilot, lambda: pilot.app.sub_title == "service restarting…")
            await settle(pilot)

    return run_before


@pytest.mark.usefixtures("steady_probe")
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_attached(size, make_attached, service, snap_compare) -> None:
    shot = _shot(restarting=False, service=service)
    assert snap_compare(make_attached(), terminal_size=size, run_before=shot)


@pytest.mark.usefixtures("steady_probe")
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_service_restarting(size, make_attached, service, snap_compare) -> None:
    shot = _shot(restarting=True, service=service)
    assert snap_compare(make_attached(), terminal_size=size, run_before=shot)


async def test_every_screen_works_attached(make_attached, service: InProcessService) -> None:
    """Each screen loads through the socket; a retry from the debugger is the service's."""
    app = make_attached()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert service.engine is not None
        store = service.engine.store
        [failed] = await app.host.call(service.engine.orders_list("failed", CONNECTION))
        for key in ("2", "3", "4", "5", "d", "escape", "6", "1"):
            await pilot.press(key)
            await settle(pilot)
            assert not [w for w in app.workers if w.state is WorkerState.ERROR], key
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert not errors, (key, errors)
            if key == "d":  # the dry-run diff: the service read both sides and sent it over
                assert getattr(app.screen, "diff", None) is not None
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("r")  # the failed order is the one shown first
        await settle(pilot)

        async def state() -> OutboxState:
            entry = store.outbox.get(failed.woo_order_id, connection=CONNECTION)
            return (await app.host.call(entry)).state

        await until_async(pilot, lambda: _not_failed(state))
        assert app.is_running


async def _not_failed(state: Callable[[], Awaitable[OutboxState]]) -> bool:
    return await state() is not OutboxState.FAILED


async def test_an_action_while_the_service_is_away_is_refused_not_half_done(
    make_attached, service: InProcessService
) -> None:
    app = make_attached()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert service.engine is not None and service.server is not None
        [failed] = await app.host.call(service.engine.orders_list("failed", CONNECTION))
        await pilot.press("3")
        await settle(pilot)
        await app.host.call(service.server.stop())
        await until(pilot, lambda: app.sub_title == "service restarting…")

        await pilot.press("r")  # retry the failed order shown first
        await settle(pilot)
        said = [(n.title, n.message) for n in app._notifications]
        assert (
            "Not sent",
            "the tillsync service is not answering (restarting?): nothing was sent. "
            "try again in a moment; `systemctl status tillsync` tells why it stopped",
        ) in said
        entry = service.engine.store.outbox.get(failed.woo_order_id, connection=CONNECTION)
        assert (await app.host.call(entry)).state is OutboxState.FAILED  # nothing half-done
        assert app.is_running

        await app.host.call(service.server.start())  # the service is back: so is the console
        await until(pilot, lambda: app.sub_title == f"attached to service (pid {SERVICE_PID})")


async def test_two_consoles_see_each_others_retry_live(
    make_attached, service: InProcessService
) -> None:
    """A retry pressed in one console moves the other's Failed tab, through the service."""
    first = make_attached()
    async with first.run_test(size=(120, 36)) as one:
        await settle(one)
        assert service.server is not None
        path = service.server.path

        async def attach(config: TillsyncConfig) -> Engine:
            return await RemoteEngine.attach(config, path)  # type: ignore[return-value]

        second = TillsyncApp(first.config_path, config=first._config, engine_factory=attach)
        async with second.run_test(size=(120, 36)) as two:
            await settle(two)
            for pilot in (one, two):
                await pilot.press("3")
                await settle(pilot)
            failed_tab = "#tab-failed"
            assert str(second.screen.query_one(failed_tab, Tab).label) == "Failed 1"
            await one.press("r")
            await settle(one)
            tab = second.screen.query_one(failed_tab, Tab)
            await until(two, lambda: str(tab.label) == "Failed 0", within=5)  # by event, not timer


async def test_ctrl_r_attached_has_the_service_reload_then_reattaches(
    make_attached, service: InProcessService, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloads: list[str] = []

    async def reload(self: Engine) -> None:  # the engine's own reload is tested over loopback
        reloads.append("service")

    monkeypatch.setattr(Engine, "reload", reload)
    app = make_attached()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: reloads == ["service"])
        await until(pilot, lambda: app.ready and app.current_mode == "dashboard")
        assert app.sub_title == f"attached to service (pid {SERVICE_PID})"
