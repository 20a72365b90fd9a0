"""The control socket in-process: a real Engine served on a real Unix socket, real clients.

The engine runs on the seeded shop (both sandboxes on loopback); each
client is a :class:`RemoteEngine` over httpx's UDS transport, exactly as the
console and the commands attach to the service.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from engine.config import load_config
from engine.errors import ConfigError, TillsyncError
from engine.events import EngineEvent, OrderStateChanged, Subscription
from engine.runtime import JOBS, Engine, Job, MappingKind, OutboxState
from engine.runtime.control import (
    ControlServer,
    RemoteEngine,
    ServiceGone,
    ServiceStatus,
    SocketState,
    attach_if_running,
    control_socket_path,
    probe_service,
)
from engine.runtime.views import dashboard, order_detail
from engine.runtime.views_mappings import mapping_sections
from tests.tui.seed import CONNECTION, NOW, Shop, seed_state, start_shop, write_config

SECRETS = ("cs_test_fedcba9876543210fedcba9876543210",)


@pytest.fixture
def shop() -> Iterator[Shop]:
    shop = start_shop()
    try:
        yield shop
    finally:
        shop.stop()


@pytest.fixture
def folder() -> Iterator[Path]:
    """A short path (a Unix socket path has ~100 bytes), 0700 like a service's state folder."""
    path = Path(tempfile.mkdtemp(prefix="tsc"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def service(shop: Shop, folder: Path) -> AsyncIterator[ControlServer]:
    config = load_config(write_config(folder, shop.woo_url, shop.korona_url))
    await seed_state(config.engine.state_db, shop)
    engine = await Engine.open(config)
    server = ControlServer(engine, control_socket_path(config.engine.state_db))
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
        await engine.close()


async def _attach(server: ControlServer) -> RemoteEngine:
    remote = await attach_if_running(server.engine.config)
    assert isinstance(remote, RemoteEngine)
    return remote


async def _next(events: Subscription, kind: type[EngineEvent]) -> EngineEvent:
    async def find() -> EngineEvent:
        async for event in events:
            if isinstance(event, kind):
                return event
        raise AssertionError("the stream ended")

    return await asyncio.wait_for(find(), 10)


async def _failed_order(remote: RemoteEngine) -> int:
    entries = await remote.orders_list("failed", CONNECTION, 10)
    assert len(entries) == 1
    return entries[0].woo_order_id


async def test_read_models_through_the_socket_equal_the_engines_own(service: ControlServer):
    remote = await _attach(service)
    try:
        assert remote.pid == os.getpid()
        assert set(remote.connections) == {CONNECTION}
        order = await _failed_order(remote)
        here = await remote.relay(dashboard(remote, CONNECTION, now=NOW))
        assert here == await dashboard(service.engine, CONNECTION, now=NOW)
        detail = await remote.relay(order_detail(remote, CONNECTION, order))
        own = await order_detail(service.engine, CONNECTION, order)
        assert detail is not None and own is not None
        # the WooCommerce order is JSON: a Decimal in it arrives as the same digits, as text
        assert replace(detail, order={}) == replace(own, order={})
        assert json.dumps(detail.order, default=str) == json.dumps(own.order, default=str)
        assert detail.entry.state is OutboxState.FAILED
    finally:
        await remote.close()


async def test_two_consoles_see_each_others_retry_skip_and_mapping_save(service: ControlServer):
    first, second = await _attach(service), await _attach(service)
    seen_by_first, seen_by_second = first.bus.subscribe(), second.bus.subscribe()
    try:
        order = await _failed_order(first)

        retried = await first.orders_retry(order, CONNECTION)
        assert retried.state is OutboxState.WAITING
        event = await _next(seen_by_second, OrderStateChanged)
        assert (event.woo_order_id, event.state) == (order, "waiting")

        skipped = await second.orders_skip(order, "a test order", CONNECTION)
        assert skipped.state is OutboxState.SKIPPED
        await _next(seen_by_first, OrderStateChanged)  # the first's own retry
        event = await _next(seen_by_first, OrderStateChanged)
        assert (event.woo_order_id, event.state) == (order, "skipped")

        saved = await first.save_mappings(MappingKind.PAYMENT, {"cheque": "1"}, CONNECTION)
        assert saved == 1
        sections = await second.relay(mapping_sections(second, CONNECTION))
        payment = next(s for s in sections if s.kind is MappingKind.PAYMENT)
        assert {r.source: r.current for r in payment.rows}["cheque"] == "1"
        mappings = service.engine.store.mappings
        assert (await mappings.of_kind(MappingKind.PAYMENT, connection=CONNECTION))["cheque"] == "1"
    finally:
        seen_by_first.close()
        seen_by_second.close()
        await first.close()
        await second.close()


async def test_a_refusal_arrives_as_the_same_message_and_hint(service: ControlServer):
    remote = await _attach(service)
    try:
        with pytest.raises(TillsyncError) as here:
            await service.engine.orders_retry(999_999, CONNECTION)
        with pytest.raises(TillsyncError) as there:
            await remote.orders_retry(999_999, CONNECTION)
        assert (there.value.message, there.value.hint) == (here.value.message, here.value.hint)
    finally:
        await remote.close()


async def test_only_the_facade_is_served(service: ControlServer):
    """The service's life cycle, private methods and other modules can't be called."""
    remote = await _attach(service)
    try:
        for name in ("stop", "close", "open", "connection", "no_such_method"):
            with pytest.raises(ConfigError, match=f"does not serve '{name}'"):
                await remote.__getattr__(name)()
        with pytest.raises(AttributeError):
            remote.__getattr__("_guard_state")
        for target in ("os:system", "engine.runtime.control.server:_bind", "engine.store:open"):
            with pytest.raises(ConfigError, match="does not serve"):
                await remote._request("POST", "/call", {"target": target, "arguments": {}})
        assert await remote.order_counts(CONNECTION)  # the service still works
    finally:
        await remote.close()


async def test_a_service_restart_is_said_and_recovered(service: ControlServer):
    remote = await _attach(service)
    events = remote.bus.subscribe()
    try:
        assert remote.attached
        await service.stop()
        gone = await _next(events, ServiceStatus)
        assert not gone.attached and gone.message == "service restarting…"
        with pytest.raises(ServiceGone, match="nothing was sent"):
            await remote.orders_retry(1, CONNECTION)
        assert probe_service(service.engine.config.engine.state_db).state is SocketState.ABSENT
        await service.start()
        back = await _next(events, ServiceStatus)
        assert back.attached and back.message == f"attached to service (pid {os.getpid()})"
        await remote.orders_retry(await _failed_order(remote), CONNECTION)
        assert isinstance(await _next(events, OrderStateChanged), OrderStateChanged)
        assert remote.attached  # the stream stays open after the restart
    finally:
        events.close()
        await remote.close()


async def test_no_secret_crosses_the_socket(service: ControlServer, shop: Shop):
    remote = await _attach(service)
    try:
        order = await _failed_order(remote)
        answers = [
            await remote.relay(dashboard(remote, CONNECTION, now=NOW)),
            await remote.relay(order_detail(remote, CONNECTION, order)),
            await remote.doctor(CONNECTION),
            await remote.orders_show(order, CONNECTION),
        ]
        for answer in answers:
            for secret in SECRETS:
                assert secret not in repr(answer)
    finally:
        await remote.close()


async def test_the_socket_is_private_and_its_folder_must_be_too(service: ControlServer):
    mode = service.path.stat().st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    assert service.path.parent == service.engine.config.engine.state_db.parent


async def test_a_folder_others_can_write_to_is_refused(shop: Shop, folder: Path):
    config = load_config(write_config(folder, shop.woo_url, shop.korona_url))
    folder.chmod(0o777)  # noqa: ASYNC240 - the test's own set-up
    async with await Engine.open(config) as engine:
        server = ControlServer(engine, control_socket_path(config.engine.state_db))
        with pytest.raises(ConfigError, match="writable by other users"):
            await server.start()
        assert not server.path.exists()


def test_a_stale_socket_is_said_and_the_caller_runs_the_engine(folder: Path, shop: Shop):
    config = load_config(write_config(folder, shop.woo_url, shop.korona_url))
    path = control_socket_path(config.engine.state_db)
    with socket.socket(socket.AF_UNIX) as dead:
        dead.bind(str(path))  # bound, never listening, then closed: a killed service's file
    notices: list[str] = []
    assert probe_service(config.engine.state_db).state is SocketState.STALE
    assert asyncio.run(attach_if_running(config, notices.append)) is None
    assert notices == [
        f"the control socket {path} is stale (the service that opened it is not running): "
        "running the engine here instead"
    ]


_CONNECT = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("refused")
else:
    print("connected")
"""


_SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin") or "/usr/bin/python3"


@pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")
@pytest.mark.skipif(not os.access(_SYSTEM_PYTHON, os.X_OK), reason="no system python3")
async def test_another_local_user_is_refused(service: ControlServer):
    service.path.parent.chmod(0o755)  # others reach the folder: only the socket stops them

    def as_nobody() -> str:
        done = subprocess.run(
            [_SYSTEM_PYTHON, "-c", _CONNECT, str(service.path)],
            capture_output=True,
            text=True,
            user=65534,
            timeout=30,
        )
        return done.stdout.strip()

    assert as_nobody() == "refused"
    service.path.chmod(0o666)  # the control: with the mode opened, the same user gets in
    try:
        assert as_nobody() == "connected"
    finally:
        service.path.chmod(0o600)


async def test_saved_settings_reach_the_service_without_a_restart(service: ControlServer):
    """ctrl+r in an attached console: the service reloads its file; the console stays attached."""
    remote = await _attach(service)
    events = remote.bus.subscribe()
    path = service.engine.config.source
    assert path is not None
    try:
        text = path.read_text()
        path.write_text(text.replace('stock = "every 3 minutes"', 'stock = "every 7 minutes"'))
        await remote.reload()
        assert str(service.engine.config.schedules.stock) == "every 7 minutes"
        await remote.orders_retry(await _failed_order(remote), CONNECTION)
        assert isinstance(await _next(events, OrderStateChanged), OrderStateChanged)
        assert remote.attached

        path.write_text(text + "\n[engine\n")
        with pytest.raises(ConfigError):
            await remote.reload()
        assert str(service.engine.config.schedules.stock) == "every 7 minutes"
    finally:
        events.close()
        await remote.close()


async def test_an_answer_holding_a_secret_is_not_sent(
    service: ControlServer, monkeypatch: pytest.MonkeyPatch
):
    """The server's last guard, whatever a facade method returns by mistake."""
    remote = await _attach(service)
    woo = service.engine.config.connections[CONNECTION].woo
    leaked = woo.consumer_secret.get_secret_value()

    async def export_mappings(self: Engine, connection: str | None = None) -> str:
        return f"[payment]\nleak = {leaked!r}\n"

    monkeypatch.setattr(Engine, "export_mappings", export_mappings)
    try:
        with pytest.raises(TillsyncError, match="held a secret, so it was not sent"):
            await remote.export_mappings(CONNECTION)
    finally:
        await remote.close()


async def test_a_caller_that_hangs_up_cancels_its_job_on_the_service(
    service: ControlServer, monkeypatch: pytest.MonkeyPatch
):
    """Ctrl-C on ``tillsync sync`` sent to the service stops the run there too."""
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def endless(conn: object, **options: object) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    monkeypatch.setitem(JOBS, "stock", Job("stock", call=endless))
    remote = await _attach(service)
    try:
        call = asyncio.ensure_future(remote.run_job("stock", CONNECTION))
        await asyncio.wait_for(started.wait(), 10)
        call.cancel()
        await asyncio.wait_for(cancelled.wait(), 10)
    finally:
        await remote.close()
