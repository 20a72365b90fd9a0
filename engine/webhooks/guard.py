"""Slow clients and connection floods: a cap on open connections and a header deadline.

uvicorn has no header read timeout, and its ``limit_concurrency`` only
answers 503 once a request's headers are in — a client that sends one byte
a second holds its socket forever.  With ~1,000 such sockets the process
runs out of file descriptors, the accept loop fails in a tight loop and
logs an ERROR for every try, and real deliveries are no longer answered.

So each connection gets ``header_timeout`` seconds to finish its request
headers (and the same again between keep-alive requests), and at most
``max_connections`` sockets are open at once.  When a new connection would
cross the cap, the oldest connection still *waiting* for its headers is
closed to make room: a slow client loses its place, a WooCommerce delivery
(headers and body in one burst) is served.  The cap sits well below the
process's descriptor limit, so ``accept()`` never fails for lack of one.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import OrderedDict
from dataclasses import dataclass

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ConnectionGuard", "GuardStats", "default_max_connections", "guarded_protocol"]

log = logging.getLogger(__name__)

#: Descriptors kept free for the database, the log files and outgoing HTTP clients.
_SPARE_DESCRIPTORS = 128
_SUMMARY_EVERY = 60.0


def default_max_connections() -> int:
    """Half the descriptor limit (minus spares), between 32 and 1,000."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1000
    return max(32, min(1000, (soft - _SPARE_DESCRIPTORS) // 2))


@dataclass(frozen=True)
class GuardStats:
    """Counters since start, for ``doctor`` and the tests."""

    open: int
    waiting: int
    evicted: int
    timed_out: int
    refused: int


class ConnectionGuard:
    """Shared by every connection of one server; see the module docstring."""

    def __init__(self, *, max_connections: int, header_timeout: float) -> None:
        self.max_connections = max_connections
        self.header_timeout = header_timeout
        self._open: set[H11Protocol] = set()
        self._waiting: OrderedDict[H11Protocol, asyncio.TimerHandle] = OrderedDict()
        self._counts = {"evicted": 0, "timed_out": 0, "refused": 0}
        self._reported = dict(self._counts)
        self._last_summary = time.monotonic()

    def stats(self) -> GuardStats:
        return GuardStats(open=len(self._open), waiting=len(self._waiting), **self._counts)

    def arrived(self, conn: H11Protocol) -> None:
        """A new connection: make room if the cap is reached, then start its deadline."""
        self._open.add(conn)
        if len(self._open) > self.max_connections and not self._evict_oldest_waiting():
            self._close(conn, "refused")  # every other socket is busy with a real request
            return
        self.wait_for_headers(conn)

    def wait_for_headers(self, conn: H11Protocol) -> None:
        """(Re)start the header deadline: a new connection, or idle after a response."""
        self._stop_waiting(conn)
        timer = asyncio.get_running_loop().call_later(
            self.header_timeout, self._close, conn, "timed_out"
        )
        self._waiting[conn] = timer

    def headers_done(self, conn: H11Protocol) -> None:
        self._stop_waiting(conn)

    def left(self, conn: H11Protocol) -> None:
        self._stop_waiting(conn)
        self._open.discard(conn)

    def _stop_waiting(self, conn: H11Protocol) -> None:
        timer = self._waiting.pop(conn, None)
        if timer is not None:
            timer.cancel()

    def _evict_oldest_waiting(self) -> bool:
        if not self._waiting:
            return False
        oldest = next(iter(self._waiting))
        self._close(oldest, "evicted")
        return True

    def _close(self, conn: H11Protocol, reason: str) -> None:
        self._stop_waiting(conn)
        self._open.discard(conn)
        self._counts[reason] += 1
        if not conn.transport.is_closing():
            conn.transport.abort()  # no lingering FIN_WAIT for a client that won't read
        self._summarise()

    def _summarise(self) -> None:
        """One warning a minute at most, however many sockets were closed."""
        now = time.monotonic()
        if now - self._last_summary < _SUMMARY_EVERY:
            return
        delta = {k: v - self._reported[k] for k, v in self._counts.items()}
        self._reported, self._last_summary = dict(self._counts), now
        log.warning(
            "webhook receiver: closed %d slow connections (%d evicted for newer ones, "
            "%d past the %gs header deadline, %d refused at the cap of %d)",
            sum(delta.values()),
            delta["evicted"],
            delta["timed_out"],
            self.header_timeout,
            delta["refused"],
            self.max_connections,
        )


def guarded_protocol(guard: ConnectionGuard) -> type[H11Protocol]:
    """uvicorn's h11 protocol, reporting each connection's life to ``guard``."""

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            guard.arrived(self)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.cycle is not None and not self.cycle.response_complete:
                guard.headers_done(self)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            busy = self.cycle is not None and not self.cycle.response_complete  # pipelined
            if not busy and not self.transport.is_closing():
                guard.wait_for_headers(self)

        def connection_lost(self, exc: Exception | None) -> None:
            guard.left(self)
            super().connection_lost(exc)

    return GuardedH11Protocol
