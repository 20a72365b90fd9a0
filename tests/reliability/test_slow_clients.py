"""2,000 slow connections against a receiver limited to 1,024 descriptors.

Before the guard, ~1,000 clients sending their headers a byte at a time
used up every descriptor: accept() failed in a loop that logged an ERROR
each time, and real deliveries were never answered.  Now each connection
has a header deadline and the oldest slow one makes room for a new one, so
what must hold is: valid deliveries land within 5 s, /health answers, and
the log grows by less than 1 MB.  Loopback only; the server runs in its own
process (``slow_server``) so the descriptor limit is real.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from engine.webhooks import IntakeResult, WebhookReceiver, WebhookServer, webhook_signature

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec-slow-clients-0b9d"
SLOW = 2_000
VALID = 20


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.slow_server", str(tmp_path), SECRET],
        stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        port = int(proc.stdout.readline())  # type: ignore[union-attr]
        yield port, tmp_path / "logs" / "tillsync.log"
    finally:
        proc.kill()
        proc.wait(timeout=10)


class SlowClients:
    """Connections that send their request headers one byte a second, never finishing."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connected = 0
        self.closed_by_server = 0
        self.tasks: list[asyncio.Task[None]] = []

    async def one(self) -> None:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return
        self.connected += 1
        try:
            writer.write(b"POST /webhooks/default HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for byte in b"X-Slow: " + b"a" * 600:
                await asyncio.sleep(1.0)
                writer.write(bytes([byte]))
                await writer.drain()
        except OSError:
            self.closed_by_server += 1
        finally:
            writer.close()

    async def wait_all_started(self, within: float) -> None:
        deadline = time.monotonic() + within
        while sum(t.done() for t in self.tasks) + self.connected < SLOW:
            assert time.monotonic() < deadline, f"only {self.connected} slow clients connected"
            await asyncio.sleep(0.1)


def _delivery(order_id: int) -> tuple[bytes, dict[str, str]]:
    line = {"id": 1, "sku": "A-1", "quantity": 1, "total": "9.90"}
    order = {"id": order_id, "status": "processing", "currency": "EUR", "total": "9.90",
             "date_modified_gmt": "2026-11-22T10:15:30", "line_items": [line]}  # fmt: skip
    body = json.dumps(order).encode()
    signature = webhook_signature(body, SECRET.encode())
    return body, {
        "content-type": "application/json",
        "x-wc-webhook-topic": "order.created",
        "x-wc-webhook-signature": signature,
    }


async def test_2000_slow_connections_do_not_stop_deliveries(server) -> None:
    port, log_file = server
    size_before = log_file.stat().st_size if log_file.exists() else 0
    slow = SlowClients(port)
    slow.tasks = [asyncio.create_task(slow.one()) for _ in range(SLOW)]
    await slow.wait_all_started(within=60)
    base = f"http://127.0.0.1:{port}/webhooks"
    took: list[float] = []
    async with httpx.AsyncClient(timeout=5.0) as client:
        for order_id in range(70_001, 70_001 + VALID):
            body, headers = _delivery(order_id)
            started = time.monotonic()
            answer = await client.post(f"{base}/default", content=body, headers=headers)
            took.append(time.monotonic() - started)
            assert (answer.status_code, answer.text) == (200, "new")
        health = await client.get(f"{base}/health")
    for task in slow.tasks:
        task.cancel()
    await asyncio.gather(*slow.tasks, return_exceptions=True)
    assert health.status_code == 200
    assert max(took) < 5.0, took
    grown = (log_file.stat().st_size if log_file.exists() else 0) - size_before
    assert grown < 1_000_000, grown
    print(f"slow clients connected={slow.connected} closed_by_server={slow.closed_by_server} "
          f"slowest delivery={max(took):.3f}s log grew {grown} bytes")  # fmt: skip


class _HeldIntake:
    """An intake that waits until released, to hold a delivery slot."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.entered = asyncio.Event()

    async def __call__(self, delivery):  # type: ignore[no-untyped-def]
        self.entered.set()
        await self.release.wait()
        return IntakeResult.NEW


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    async with asyncio.timeout(seconds):
        return await reader.read()


async def test_header_and_body_deadlines_and_the_health_reserve() -> None:
    intake = _HeldIntake()
    receiver = WebhookReceiver(
        secrets={"default": SECRET}, intake=intake, body_timeout=0.3, max_in_flight=1
    )
    async with WebhookServer(receiver.app, port=0, header_timeout=0.3) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"POST /webhooks/default HTTP/1.1\r\nHost: x\r\n")  # never finished
        assert await _closed_within(reader, 5.0) == b""  # closed at the header deadline
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"POST /webhooks/default HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
        answer = await _closed_within(reader, 5.0)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
        writer.close()
        async with httpx.AsyncClient(base_url=server.url, timeout=5.0) as client:
            body, headers = _delivery(80_001)
            held = asyncio.create_task(
                client.post("/webhooks/default", content=body, headers=headers)
            )
            await asyncio.wait_for(intake.entered.wait(), 5.0)
            body, headers = _delivery(80_002)
            busy = await client.post("/webhooks/default", content=body, headers=headers)
            health = await client.get("/webhooks/health")
            intake.release.set()
            first = await held
    assert (busy.status_code, health.status_code, first.status_code) == (503, 200, 200)
    assert (receiver.stats().slow_bodies, receiver.stats().busy) == (1, 1)
    assert server.guard.stats().timed_out >= 1
