"""An ASGI layer in front of a sandbox app that loses answers the way networks do.

The sandboxes inject the faults their vendors document (WooCommerce's 500 after a
write, KORONA's receipt committed then hung).  This layer adds the ones that live
between us and them — a reverse proxy or a flaky link — for exactly the requests a
test names, a given number of times:

* ``commit_then_hang``: the request reaches the store and is committed, the answer
  never comes back in time (the client times out);
* ``commit_then_502``: committed, then the proxy answers 502 Bad Gateway;
* ``replay``: the proxy sends the request upstream twice (a proxy retrying a POST
  after its own timeout) and returns the second answer — for a create that is a
  "duplicate SKU" / "number already in use" error about our own first write;
* ``unavailable``: refused with 503 before reaching the store (nothing written).

It runs inside the sandbox's server (a real loopback socket), so the client sees
real timeouts and real status codes.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Fault", "FaultyProxy", "Rule"]

Scope = dict[str, Any]
Message = dict[str, Any]

_BAD_GATEWAY = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


class Fault(StrEnum):
    COMMIT_THEN_HANG = "commit_then_hang"
    COMMIT_THEN_502 = "commit_then_502"
    REPLAY = "replay"
    UNAVAILABLE = "unavailable"


@dataclass
class Rule:
    """``times`` requests matching ``method`` and ``path`` (a regex) get ``fault``;
    with ``after``, only once that rule has fired all its times (a lost answer,
    *then* the look-ups failing too)."""

    method: str
    path: str
    fault: Fault
    times: int = 1
    after: Rule | None = None
    hits: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path)

    @property
    def spent(self) -> bool:
        return self.hits >= self.times

    def matches(self, scope: Scope) -> bool:
        if self.after is not None and not self.after.spent:
            return False
        return scope["method"] == self.method and bool(self._pattern.search(scope["path"]))


@dataclass
class _Answer:
    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)


class FaultyProxy:
    """``FaultyProxy(app)``; ``proxy.add("POST", r"/products/batch$", Fault.REPLAY, times=2)``."""

    def __init__(self, app: Any, *, hang_seconds: float = 2.0) -> None:
        self.app = app
        self.hang_seconds = hang_seconds
        self.rules: list[Rule] = []
        self._lock = threading.Lock()

    def add(
        self, method: str, path: str, fault: Fault, times: int = 1, after: Rule | None = None
    ) -> Rule:
        rule = Rule(method, path, fault, times, after)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def _take(self, scope: Scope) -> Fault | None:
        with self._lock:
            for rule in self.rules:
                if not rule.spent and rule.matches(scope):
                    rule.hits += 1
                    return rule.fault
        return None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        fault = self._take(scope) if scope["type"] == "http" else None
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault is Fault.UNAVAILABLE:
            await _reply(send, 503, b"Service Unavailable", b"text/plain")
            return
        body = await _read_body(receive)
        answer = await self._forward(scope, body)
        if fault is Fault.REPLAY:
            answer = await self._forward(scope, body)
        elif fault is Fault.COMMIT_THEN_HANG:
            await asyncio.sleep(self.hang_seconds)
            await _reply(send, 504, b"Gateway Timeout", b"text/plain")
            return
        elif fault is Fault.COMMIT_THEN_502:
            await _reply(send, 502, _BAD_GATEWAY, b"text/html")
            return
        await send({"type": "http.response.start", "status": answer.status,
                    "headers": answer.headers})  # fmt: skip
        await send({"type": "http.response.body", "body": bytes(answer.body)})

    async def _forward(self, scope: Scope, body: bytes) -> _Answer:
        """Run the request through the store once, keeping its answer."""
        answer = _Answer()
        sent = False

        async def replay_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # the client stays connected as far as the app knows
            return {"type": "http.disconnect"}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer.status = message["status"]
                answer.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                answer.body.extend(message.get("body", b""))

        await self.app(dict(scope), replay_receive, capture)
        return answer


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _reply(send: Any, status: int, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
