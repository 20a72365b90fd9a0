"""Everything through the running service (issue 20): nobody stops it to look.

The service is the real ``tillsync run --headless`` subprocess; the one-off
commands are real subprocesses too, and the console is the real app in this
process, attached through the control socket beside the state database.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable

from textual.pilot import Pilot

from engine.runtime import OutboxState
from tui.app import TillsyncApp
from tui.widgets.nav_bar import NavBar

from .conftest import Sandboxes, buyable, free_port
from .installation import (
    ORDER_MAPPINGS,
    PUBLIC_URL,
    TAX_MAPPINGS,
    Installation,
    Service,
    config_text,
    secrets_text,
)


def _configure(install: Installation, sandboxes: Sandboxes) -> str:
    port = free_port()
    hook_base = f"http://127.0.0.1:{port}/webhooks"
    config = config_text(
        sandboxes.woo_server, sandboxes.korona_server, install.folder, webhook_port=port
    ).replace(PUBLIC_URL, hook_base)
    install.write(config, secrets_text())
    sandboxes.woo.webhook_delay = 0.05
    return hook_base


def _until(check: Callable[[], object], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def _state(install: Installation, order_id: int) -> str | None:
    rows = install.query(f"SELECT state FROM outbox WHERE woo_order_id = {order_id}")
    return rows[0][0] if rows else None


def test_the_failed_order_workflow_through_the_running_service(
    install: Installation, sandboxes: Sandboxes
):
    """Held for a missing mapping → mappings import → orders retry → booked, then links reset
    and webhooks install; the service never stops, and each command's work is done by it."""
    hook_base = _configure(install, sandboxes)
    assert install.run("mappings", "import", "-", stdin=TAX_MAPPINGS).code == 0
    service = install.spawn("run", "--headless")
    service.wait_for(f"webhooks deliver to {hook_base}/shop1")
    service.wait_for("control socket listening on")
    try:
        synced = install.run("sync", "catalog")
        assert synced.code == 0, synced.output
        assert "catalog" in synced.stdout and "written" in synced.stdout
        service.wait_for("catalog ok")  # the run was the service's own

        products = buyable(sandboxes.woo)
        order = sandboxes.woo.place_order([(products[0], 1)], payment_method="bacs")
        order = sandboxes.woo.set_order_status(order["id"], "completed")
        _until(lambda: _state(install, order["id"]) == "held", "the order is held")

        imported = install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS)
        assert imported.code == 0, imported.output
        retried = install.run("orders", "retry", str(order["id"]))
        assert retried.code == 0, retried.output
        assert f"Order #{order['id']} is waiting again" in retried.stdout
        service.wait_for(f"order #{order['id']} retry queued by the admin")
        _until(lambda: _state(install, order["id"]) == "done", "the order is booked")
        [receipt] = sandboxes.korona.receipts()
        assert str(order["id"]) in str(receipt)

        reset = install.run("links", "reset", "products", "--yes")  # takes the service's engine
        assert reset.code == 0, reset.output
        assert "Removed" in reset.stdout and "product link" in reset.stdout
        hooks = install.run("webhooks", "install")
        assert hooks.code == 0, hooks.output
        assert f"deliver to {hook_base}/shop1" in hooks.stdout
    finally:
        service.send_signal(signal.SIGTERM)
        result = service.finish()
    assert result.code == 0, result.output
    assert not (install.folder / "state.db.sock").exists()
    install.assert_logs_clean()


async def _title(pilot: Pilot, text: str) -> None:
    app = pilot.app
    deadline = time.monotonic() + 20
    while app.sub_title != text:
        assert time.monotonic() < deadline, f"title never said {text!r}: {app.sub_title!r}"
        await pilot.pause(0.05)


def _bar(app: TillsyncApp) -> str:
    return str(app.screen.query_one(NavBar).render())


async def _see(pilot: Pilot, check: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + 30
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await pilot.pause(0.05)


def _shown_order(app: TillsyncApp) -> int | None:
    detail = getattr(app.screen, "detail", None)
    return None if detail is None else detail.entry.woo_order_id


async def test_the_console_fixes_a_held_order_through_the_service_and_survives_a_restart(
    install: Installation, sandboxes: Sandboxes
):
    """The everyday loop: the service runs; the admin attaches, a CLI import adds the missing
    mapping, r in the debugger books the order; a restart is said and the console re-attaches."""
    _configure(install, sandboxes)
    assert install.run("mappings", "import", "-", stdin=TAX_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0  # alone, before the service starts
    service = install.spawn("run", "--headless")
    service.wait_for("control socket listening on")
    app = TillsyncApp(install.config_path)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await _title(pilot, f"attached to service (pid {service.pid})")
            await _see(pilot, lambda: app.current_mode == "dashboard", "the dashboard")
            await _see(pilot, lambda: app.screen.query_one(NavBar).size, "the title bar")
            assert f"attached to service (pid {service.pid})" in _bar(app)

            product = buyable(sandboxes.woo)[0]
            order = sandboxes.woo.place_order([(product, 1)], payment_method="bacs")
            order = sandboxes.woo.set_order_status(order["id"], "completed")
            await _see(pilot, lambda: _state(install, order["id"]) == "held", "the order held")
            imported = await asyncio.to_thread(
                install.run, "mappings", "import", "-", stdin=ORDER_MAPPINGS
            )
            assert imported.code == 0, imported.output
            await pilot.press("3")
            await _see(pilot, lambda: _shown_order(app) == order["id"], "the order in the debugger")
            await pilot.press("r")
            await _see(pilot, lambda: _state(install, order["id"]) == "done", "the order booked")
            assert len(sandboxes.korona.receipts()) == 1

            service.send_signal(signal.SIGTERM)
            assert (await asyncio.to_thread(service.finish)).code == 0
            await _title(pilot, "service restarting…")
            assert "service restarting…" in _bar(app)
            await pilot.press("1")  # keys still work while it is away: no traceback, no exit
            assert app.current_mode == "dashboard"

            service = await asyncio.to_thread(_restart, install)
            await _title(pilot, f"attached to service (pid {service.pid})")
            counts = await app.call(app.engine.order_counts("shop1"))
            assert counts[OutboxState.DONE] == 1
            await pilot.press("q")
    finally:
        service.send_signal(signal.SIGTERM)
        service.finish()


def _restart(install: Installation) -> Service:
    service = install.spawn("run", "--headless")
    service.wait_for("control socket listening on")
    return service


def test_a_killed_services_socket_is_said_and_the_command_runs_alone(
    install: Installation, sandboxes: Sandboxes
):
    _configure(install, sandboxes)
    assert install.run("mappings", "import", "-", stdin=TAX_MAPPINGS).code == 0
    service = install.spawn("run", "--headless")
    service.wait_for("control socket listening on")
    service.send_signal(signal.SIGKILL)  # no clean-up: the socket file stays behind
    service.process.wait(timeout=10)
    socket_file = install.folder / "state.db.sock"
    assert socket_file.exists()

    synced = install.run("sync", "catalog", "--dry-run")
    assert synced.code == 0, synced.output
    assert f"the control socket {socket_file} is stale" in synced.stderr
    assert "running the engine here instead" in synced.stderr
    assert "Dry run: nothing was written" in synced.stdout
