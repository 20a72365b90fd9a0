"""The sandbox's Events SPI client: batches of up to 10, retried until acknowledged,
in order, each batch blocking the ones behind it."""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.server import serve_in_thread
from sandbox.sitoo import EventsClient


def _wait(check, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_batches_are_retried_until_acknowledged_and_keep_their_order() -> None:
    received: list[list[dict]] = []
    answers = [503, 429, 200, 200]

    async def events(request: Request) -> Response:
        received.append(await request.json())
        assert request.headers["authorization"].startswith("Basic ")
        return Response(status_code=answers.pop(0) if answers else 200)

    app = Starlette(routes=[Route("/events", events, methods=["POST"])])
    with serve_in_thread(app) as server:
        client = EventsClient(f"{server.url}/events", "90210", auth=("hook", "secret"))
        client.start()
        try:
            sent = [client.emit("order", {"order_id": n}) for n in range(12)]
            _wait(lambda: client.delivered == 12)
        finally:
            client.stop()
    assert [len(batch) for batch in received] == [10, 10, 10, 2]
    assert received[0] == received[1] == received[2]  # the same batch, sent again
    delivered = [e["event_id"] for batch in client.accepted for e in batch]
    assert delivered == [e["event_id"] for e in sent]
    assert client.attempts == 4
