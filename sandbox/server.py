"""Run an ASGI app on a real loopback socket, in a background thread.

Tests, the demo and benchmarks use this to talk HTTP to the sandboxes over a
real socket (uvicorn), never through an in-process transport.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

__all__ = ["RunningServer", "free_port", "serve_in_thread", "start_server"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    host: str
    port: int
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(
    app: object,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    log_level: str = "warning",
) -> RunningServer:
    """Start ``app`` with uvicorn in a daemon thread and wait until it accepts."""
    port = port or free_port(host)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="auto",
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"sandbox:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"sandbox server on {host}:{port} did not start")
        time.sleep(0.01)
    scheme = "https" if ssl_certfile else "http"
    return RunningServer(f"{scheme}://{host}:{port}", host, port, server, thread)


@contextmanager
def serve_in_thread(app: object, **kwargs: object) -> Iterator[RunningServer]:
    running = start_server(app, **kwargs)  # type: ignore[arg-type]
    try:
        yield running
    finally:
        running.stop()
