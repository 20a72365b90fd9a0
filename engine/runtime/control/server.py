"""The control socket's server: the service's Engine, served over HTTP on a Unix socket.

``tillsync run --headless`` starts it beside the state database; consoles and
one-off commands attach to it (:mod:`engine.runtime.control.client`).
Three routes, JSON bodies:

* ``GET /hello``: the service's PID and, per connection, the back office's
  name and capabilities (what the console offers);
* ``POST /call``: one facade call (:class:`~engine.runtime.control.calls.FacadeCall`);
  the answer, or the refusal's message and hint.  A caller that hangs up
  (Ctrl-C on ``tillsync sync``) cancels the call, as it would at home;
* ``GET /events``: every engine event, live, as server-sent events.

uvicorn serves it on a socket this module binds itself (mode 0600 from the
first instant: the umask is tightened around ``bind``), as a task in the
engine's loop with no signal handlers of its own (the service owns them).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from asyncio import FIRST_COMPLETED
from collections.abc import AsyncIterator, Generator
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from engine.errors import TillsyncError
from engine.events import Subscription
from engine.runtime.control.calls import FacadeCall
from engine.runtime.control.codec import configured_secrets, encode_error, encode_event
from engine.runtime.control.paths import check_socket_folder
from engine.runtime.engine import Engine

__all__ = ["ControlServer"]

log = logging.getLogger(__name__)

KEEP_ALIVE = 10.0  # seconds between comments on a quiet event stream


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handlers: SIGTERM belongs to the service."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _bind(path: Path) -> socket.socket:
    """A listening Unix socket at ``path``, 0600 from the start (a stale one is replaced)."""
    check_socket_folder(path)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # the instance lock is ours: whatever socket is there is dead
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)
    try:
        sock.bind(str(path))
    except OSError:
        sock.close()
        raise
    finally:
        os.umask(umask)
    path.chmod(0o600)
    return sock


class ControlServer:
    """Starts and stops the control socket for one Engine."""

    def __init__(self, engine: Engine, path: Path, *, pid: int | None = None) -> None:
        self.engine = engine
        self.path = path
        self.pid = os.getpid() if pid is None else pid  # what consoles show (fixed in snapshots)
        self._closing = asyncio.Event()
        self._secrets: tuple[object, list[str]] = (None, [])
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.app = Starlette(
            routes=[
                Route("/hello", self._hello),
                Route("/call", self._call, methods=["POST"]),
                Route("/events", self._events),
            ]
        )

    async def start(self) -> None:
        """Bind and serve; returns once the socket accepts connections."""
        sock = _bind(self.path)
        self._closing.clear()  # a server started again streams again
        config = uvicorn.Config(
            self.app, lifespan="off", log_config=None, access_log=False, timeout_keep_alive=30,
            timeout_graceful_shutdown=5,
        )  # fmt: skip
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="control")
        while not self._server.started:
            if self._task.done():
                sock.close()
                await self._task
                raise TillsyncError("the control socket stopped while starting")
            await asyncio.sleep(0.01)
        log.info("control socket listening on %s", self.path)

    async def stop(self) -> None:
        """End the event streams, stop serving, remove the socket file."""
        self._closing.set()
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._task), 10)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        self._server = self._task = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _hello(self, request: Request) -> Response:
        connections = {
            name: {
                "backend": conn.backend.name,
                "capabilities": sorted(c.value for c in conn.backend.capabilities),
            }
            for name, conn in self.engine.connections.items()
        }
        return JSONResponse({"pid": self.pid, "connections": connections})

    async def _call(self, request: Request) -> Response:
        try:
            call = FacadeCall.from_json(await request.json())
            answer = await _until_disconnected(request, call.run(self.engine))
            body = json.dumps({"answer": call.encode_answer(answer)})
            if self._holds_secret(body):
                log.error("control: the answer to %s held a secret: not sent", call.target)
                raise TillsyncError("the service's answer held a secret, so it was not sent")
            return Response(body, media_type="application/json")
        except TillsyncError as error:
            return JSONResponse({"error": encode_error(error)}, status_code=422)
        except (ValueError, TypeError) as error:  # a call this service can't make sense of
            log.warning("control: bad call refused: %s", type(error).__name__)
            message = "the service could not read the call (a console of another version?)"
            return JSONResponse({"error": {"message": message}}, status_code=400)
        except Exception:
            log.exception("control: a call failed")
            message = "the service failed doing it: its log has the details"
            return JSONResponse({"error": {"message": message}}, status_code=500)

    async def _events(self, request: Request) -> Response:
        subscription = self.engine.bus.subscribe()
        return StreamingResponse(
            self._stream(subscription),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    async def _stream(self, subscription: Subscription) -> AsyncIterator[str]:
        with subscription:
            yield ": attached\n\n"
            while not self._closing.is_set():
                event = await _next_event(subscription, self._closing)
                if event is None:
                    yield ": keep-alive\n\n"
                    continue
                data = json.dumps(encode_event(event))
                if self._holds_secret(data):
                    log.error("control: a %s event held a configured secret: not sent", event.name)
                    continue
                yield f"data: {data}\n\n"

    def _holds_secret(self, text: str) -> bool:
        """The last guard: nothing sent over the socket may contain a configured secret."""
        config = self.engine.config
        if self._secrets[0] is not config:  # walked once per configuration (a reload makes anew)
            self._secrets = (config, configured_secrets(config))
        return any(secret in text for secret in self._secrets[1])


async def _next_event(subscription: Subscription, closing: asyncio.Event) -> Any:
    """The next event, or None after a quiet ``KEEP_ALIVE`` or when the server closes."""
    waits = {asyncio.ensure_future(anext(subscription)), asyncio.ensure_future(closing.wait())}
    try:
        done, _ = await asyncio.wait(waits, timeout=KEEP_ALIVE, return_when=FIRST_COMPLETED)
    finally:  # cancelled too (the console hung up): no waiter may outlive the stream
        for task in waits:
            task.cancel()
    for task in done:
        if not isinstance(task.result(), bool):
            return task.result()
    return None


async def _until_disconnected(request: Request, work: Any) -> Any:
    """Await ``work``; cancel it when the caller hangs up before the answer."""
    task = asyncio.ensure_future(work)
    while True:
        done, _ = await asyncio.wait({task}, timeout=0.5)
        if done:
            return task.result()
        if await request.is_disconnected():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise TillsyncError("the caller went away: the call was cancelled")
