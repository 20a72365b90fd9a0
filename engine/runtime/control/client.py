"""The console's and the CLI's side of the control socket: a remote Engine.

:class:`RemoteEngine` answers what the console and the one-off commands ask
of an :class:`~engine.runtime.engine.Engine` — its methods, the read models
of ``engine.runtime.views`` (through :meth:`RemoteEngine.relay`), ``bus``,
``config``, ``connections`` — by asking the service that holds the state
database.  Its ``bus`` is fed by the service's event stream, so every
attached console sees every other one's actions as they happen.

When the service goes away (a restart), the stream says so with a
:class:`ServiceStatus` event, calls are refused with a clear message (none
is half-sent: the request never left), and the client knocks again every
half second until the service is back; then it says so again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx

from engine.backends import Capability
from engine.config import TillsyncConfig
from engine.errors import ConfigError, FailureKind, TillsyncError
from engine.events import EngineEvent, EventBus
from engine.runtime.control.calls import FacadeCall, call_from_coroutine, call_method
from engine.runtime.control.codec import decode_error, decode_event

__all__ = ["RemoteBackend", "RemoteConnection", "RemoteEngine", "ServiceGone", "ServiceStatus"]

log = logging.getLogger(__name__)

RETRY_EVERY = 0.5  # seconds between knocks on a restarting service's socket
ATTACH_TIMEOUT = 10.0  # seconds for the event stream to open
_BASE = "http://tillsync.service"  # the host is a name only: the transport is the socket


class ServiceGone(TillsyncError):
    """The service is not answering: nothing was sent, nothing changed."""

    kind = FailureKind.TRANSIENT
    reads = False  # the call refused only read (a console skips it quietly)


@dataclass(frozen=True, kw_only=True)
class ServiceStatus(EngineEvent):
    """The attached console's link to the service: up (with its PID) or restarting."""

    attached: bool
    pid: int | None = None
    job: str = "control"

    @property
    def message(self) -> str:
        if self.attached:
            return f"attached to service (pid {self.pid})"
        return "service restarting…"


@dataclass(frozen=True)
class RemoteBackend:
    name: str
    capabilities: frozenset[Capability]


@dataclass(frozen=True)
class RemoteConnection:
    """What the console reads of a connection without asking: its back office's abilities."""

    name: str
    backend: RemoteBackend


class RemoteEngine:
    """The Engine facade of a running service, over its control socket."""

    def __init__(self, config: TillsyncConfig, socket_path: Path) -> None:
        self.config = config
        self.socket_path = socket_path
        self.bus = EventBus()
        self.connections: dict[str, RemoteConnection] = {}
        self.pid: int | None = None
        self.attached = False
        self._client = httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(uds=str(socket_path)),
            base_url=_BASE,
            timeout=httpx.Timeout(None, connect=5.0),
        )
        self._stream: asyncio.Task[None] | None = None
        self._streaming = asyncio.Event()  # set once the event stream is open

    @classmethod
    async def attach(cls, config: TillsyncConfig, socket_path: Path) -> RemoteEngine:
        """Say hello and follow the service's events; raises ServiceGone if nobody answers.

        Returns once the event stream is open, so no event of a call made
        next (a sync's progress) can be missed.
        """
        engine = cls(config, socket_path)
        try:
            await engine._hello()
            engine._stream = asyncio.create_task(engine._follow(), name="service-events")
            await asyncio.wait_for(engine._streaming.wait(), ATTACH_TIMEOUT)
        except BaseException as error:
            await engine.close()
            if isinstance(error, TimeoutError):
                raise ServiceGone("the tillsync service accepted but sent no events") from None
            raise
        return engine

    @property
    def exclusive(self) -> bool:
        return True  # the service holds the database for us

    async def _hello(self) -> None:
        data = await self._request("GET", "/hello")
        self.pid = int(data["pid"])
        self.connections = {
            name: RemoteConnection(
                name,
                RemoteBackend(
                    str(info["backend"]),
                    frozenset(Capability(c) for c in info["capabilities"] if c in _CAPABILITIES),
                ),
            )
            for name, info in data["connections"].items()
        }

    async def _request(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = await self._client.request(method, path, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, FileNotFoundError):
            raise ServiceGone(
                "the tillsync service is not answering (restarting?): nothing was sent",
                hint="try again in a moment; `systemctl status tillsync` tells why it stopped",
            ) from None
        except httpx.TransportError:
            raise ServiceGone(
                "the tillsync service went away before answering",
                hint="look again once it is back: the action may or may not have been made",
            ) from None
        try:
            data = response.json()
        except ValueError:
            raise TillsyncError(
                f"the tillsync service answered something unexpected (HTTP {response.status_code})",
                hint="its log says why; `journalctl -u tillsync`",
            ) from None
        if "error" in data:
            raise decode_error(data["error"])
        return data

    async def call(self, call: FacadeCall) -> Any:
        try:
            data = await self._request("POST", "/call", call.to_json())
        except ServiceGone as gone:
            gone.reads = call.reads
            raise
        return call.decode_answer(data["answer"])

    def relay(self, work: Coroutine[Any, Any, Any]) -> Coroutine[Any, Any, Any]:
        """``views.f(this, …)`` becomes the same call made by the service; other work stays."""
        call = call_from_coroutine(work, self)
        if call is None:
            return work
        work.close()
        return self.call(call)

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        """Any served Engine method: ``await remote.orders_retry(123)``."""
        if name.startswith("_"):
            raise AttributeError(name)

        async def method(*args: Any, **kwargs: Any) -> Any:
            return await self.call(call_method(name, args, kwargs))

        method.__name__ = name
        return method

    def connection(self, name: str | None = None) -> RemoteConnection:
        if name is None and len(self.connections) == 1:
            return next(iter(self.connections.values()))
        if name is not None and name in self.connections:
            return self.connections[name]
        known = ", ".join(self.connections) or "none is enabled"
        raise ConfigError(
            f"no connection named {name!r} on the service" if name else "name a connection",
            hint=f"the service's connections are: {known}",
        )

    def can_void(self, connection: str | None = None) -> bool:
        return Capability.SALES_VOID in self.connection(connection).backend.capabilities

    async def start(self) -> None:
        """Nothing to start: the service runs the schedules."""

    async def close(self, *, timeout: float = 0) -> None:  # noqa: ASYNC109
        """Detach: the service and its work go on."""
        if self._stream is not None:
            self._stream.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._stream
        await self._client.aclose()

    async def __aenter__(self) -> RemoteEngine:
        return self

    async def __aexit__(self, *exc: object) -> Literal[False]:
        await self.close()
        return False

    async def _follow(self) -> None:
        """Feed ``bus`` from the service's event stream; on a drop, knock until it is back."""
        while True:
            with contextlib.suppress(httpx.TransportError, ServiceGone, OSError):
                await self._read_events()
            self._set_attached(False)
            while True:
                await asyncio.sleep(RETRY_EVERY)
                with contextlib.suppress(ServiceGone):
                    await self._hello()
                    break

    async def _read_events(self) -> None:
        async with self._client.stream("GET", "/events") as response:
            self._set_attached(True)
            self._streaming.set()
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                event = decode_event(json.loads(line.removeprefix("data: ")))
                if event is not None:
                    self.bus.publish(event)

    def _set_attached(self, attached: bool) -> None:
        if attached == self.attached:
            return
        self.attached = attached
        log.info("%s", "attached to the service" if attached else "the service went away")
        self.bus.publish(ServiceStatus(attached=attached, pid=self.pid))


_CAPABILITIES = {c.value for c in Capability}
