"""Serving the receiver with uvicorn as a task inside the engine's event loop.

The engine owns the process: its signals, its logging configuration, its
exit code.  So the embedded uvicorn installs no signal handlers, leaves
logging alone (``log_config=None``), runs no lifespan, and listens on a
socket we bind ourselves — uvicorn's own bind calls ``sys.exit`` on a busy
port, which inside a task would take the whole engine down.  A busy port is
a :class:`ConfigError` the admin can act on instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager

import uvicorn

from engine.errors import ConfigError
from engine.webhooks.guard import ConnectionGuard, default_max_connections, guarded_protocol
from engine.webhooks.receiver import WebhookReceiver

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "WebhookServer", "serve"]

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787
_HEALTH_RESERVE = 16


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves the host process's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigError(f"webhook receiver cannot use address {host}:{port}: {exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"webhook receiver cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="Another program uses that port: pick another webhook port in the settings.",
        ) from None
    return sock


class WebhookServer:
    """Starts and stops uvicorn for an ASGI app as a task in the running loop."""

    def __init__(
        self,
        app: object,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        graceful_timeout: float = 5.0,
        forwarded_allow_ips: str | None = None,
        header_timeout: float = 10.0,
        max_connections: int | None = None,
    ) -> None:
        self._app = app
        self.guard = ConnectionGuard(
            max_connections=max_connections or default_max_connections(),
            header_timeout=header_timeout,
        )
        self._host = host
        self._port = port
        self._graceful_timeout = graceful_timeout
        self._forwarded_allow_ips = forwarded_allow_ips
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when constructed with ``port=0``)."""
        return self._port

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Bind, start serving, and return once connections are accepted."""
        if self.running:
            return
        sock = _bind(self._host, self._port)
        self._port = sock.getsockname()[1]
        self._server = _EmbeddedServer(self._config())
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="webhooks")
        while not self._server.started:
            if self._task.done():
                sock.close()
                await self._task  # re-raises why it stopped
                raise ConfigError("webhook receiver stopped while starting")
            await asyncio.sleep(0.01)
        log.info("webhook receiver listening on %s", self.url)

    def _config(self) -> uvicorn.Config:
        return uvicorn.Config(
            self._app,  # type: ignore[arg-type]
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=int(self._graceful_timeout) or 1,
            forwarded_allow_ips=self._forwarded_allow_ips,
            http=guarded_protocol(self.guard),  # header deadline + connection cap
            # a backstop only: the guard keeps connections under its cap, and the
            # receiver limits webhook requests itself so /health keeps a reserve
            limit_concurrency=self.guard.max_connections + _HEALTH_RESERVE,
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=16 * 1024,  # request line + headers
        )

    async def stop(self) -> None:
        """Stop accepting, let requests in flight finish, then return."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self._graceful_timeout + 2)
        except TimeoutError:
            self._server.force_exit = True
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        finally:
            self._server = None
            self._task = None
        log.info("webhook receiver stopped")

    async def __aenter__(self) -> WebhookServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


@asynccontextmanager
async def serve(
    receiver: WebhookReceiver, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> AsyncIterator[WebhookServer]:
    """``async with serve(receiver) as server:`` — the receiver listens inside the block."""
    async with WebhookServer(receiver.app, host=host, port=port) as server:
        yield server
