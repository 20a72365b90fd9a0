"""WebhookServer: uvicorn as a task inside the engine's own event loop."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import signal
import socket

import httpx
import pytest

from engine.errors import ConfigError
from engine.webhooks import Delivery, IntakeResult, WebhookReceiver, WebhookServer, serve

SECRET = "in-loop-secret-93"


def signed(order_id: int) -> tuple[bytes, dict[str, str]]:
    body = (
        f'{{"id":{order_id},"status":"processing","currency":"EUR","line_items":[],'
        '"date_modified_gmt":"2026-11-22T10:00:00"}'
    ).encode()
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, {
        "content-type": "application/json",
        "x-wc-webhook-topic": "order.updated",
        "x-wc-webhook-signature": signature,
    }


class GatedIntake:
    """Holds each delivery until ``release`` is set, remembering the loop it ran in."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.ids: list[int] = []

    async def __call__(self, delivery: Delivery) -> IntakeResult:
        self.loops.append(asyncio.get_running_loop())
        self.entered.set()
        await self.release.wait()
        self.ids.append(delivery.resource_id)
        return IntakeResult.NEW


def receiver_with(intake: GatedIntake) -> WebhookReceiver:
    return WebhookReceiver(secrets={"shop": SECRET}, intake=intake)


async def test_serves_in_the_engine_loop_on_loopback_by_default() -> None:
    intake = GatedIntake()
    intake.release.set()
    sigint_before = signal.getsignal(signal.SIGINT)
    async with serve(receiver_with(intake), port=0) as server:
        assert server.running and server.url == f"http://127.0.0.1:{server.port}"
        assert signal.getsignal(signal.SIGINT) is sigint_before
        body, headers = signed(5)
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await client.post("/webhooks/shop", content=body, headers=headers)
            health = await client.get("/webhooks/health")
    assert (response.status_code, response.text, health.text) == (200, "new", "ok")
    assert intake.loops == [asyncio.get_running_loop()] and intake.ids == [5]
    assert not server.running
    assert signal.getsignal(signal.SIGINT) is sigint_before
    with socket.create_server(("127.0.0.1", server.port)):
        pass  # the port was released


async def test_stop_lets_a_delivery_in_flight_finish() -> None:
    intake = GatedIntake()
    server = WebhookServer(receiver_with(intake).app, port=0, graceful_timeout=5)
    await server.start()
    body, headers = signed(9)
    async with httpx.AsyncClient(base_url=server.url) as client:
        request = asyncio.create_task(client.post("/webhooks/shop", content=body, headers=headers))
        await asyncio.wait_for(intake.entered.wait(), 5)
        stopping = asyncio.create_task(server.stop())
        await asyncio.sleep(0.2)
        assert not stopping.done()  # waiting for the delivery, not cutting it off
        intake.release.set()
        response = await asyncio.wait_for(request, 5)
        await asyncio.wait_for(stopping, 5)
    assert response.status_code == 200 and intake.ids == [9]
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"{server.url}/webhooks/health")


async def test_busy_port_is_a_config_error_not_an_exit() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        server = WebhookServer(receiver_with(GatedIntake()).app, port=port)
        with pytest.raises(ConfigError) as raised:
            await server.start()
    assert str(port) in str(raised.value) and not server.running
    await server.stop()  # stopping a server that never started is harmless


async def test_start_twice_is_harmless() -> None:
    server = WebhookServer(receiver_with(GatedIntake()).app, port=0)
    await server.start()
    port = server.port
    await server.start()
    assert server.port == port
    await server.stop()
    await server.stop()
