"""``tillsync run --headless``: the engine as a service, no UI.

Schedules, the order worker and the webhook receiver run until SIGTERM or
SIGINT.  Then the engine stops taking new work, lets the write in flight
finish (up to the stop timeout), closes its runs and the database, releases
the instance lock and exits 0 — a clean stop is not a failure to systemd.
Log lines go to stdout (journald stamps them) and to a rotating file.

While it runs, the engine is served on the control socket beside the state
database (:mod:`engine.runtime.control`): ``tillsync`` and the one-off
commands attach to it instead of refusing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os

from engine.runtime import Engine, EngineEvent, JobFinished, JobStarted, Subscription
from engine.runtime.control import ControlServer, control_socket_path
from tui.commands.dashboard import open_dashboard
from tui.commands.session import EXIT_OK, StopSignal, open_session, run_with_engine

__all__ = ["run"]

log = logging.getLogger("tillsync")
events_log = logging.getLogger("tillsync.events")

# Engine events that say something a service log needs and no logger says already
# (the order worker logs its own decisions).
_LOGGED = (JobStarted, JobFinished)
_LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}


def run(args: argparse.Namespace) -> int:
    if not args.headless:
        return open_dashboard(args)
    session = open_session(args, log_file=True, console_level=logging.INFO, stdout=True)
    return run_with_engine(session, _serve, exclusive=True)


async def _serve(engine: Engine) -> int:
    stop = StopSignal().install()
    events = engine.bus.subscribe()
    echo = asyncio.create_task(_log_events(events), name="event-log")
    control = ControlServer(engine, control_socket_path(engine.config.engine.state_db))
    try:
        await control.start()  # a folder others can write to is refused before any work
        await engine.start()
        log.info("%s", _started(engine))
        received = await stop.wait()
        name = received.name if received is not None else "stop"
        log.info("%s received: finishing the work in flight, then stopping", name)
        await control.stop()  # attached consoles say "restarting"; no new call half-way
        finished = await engine.stop()
        log.info(
            "stopped %s", "cleanly" if finished else "(a job was cancelled; it resumes next start)"
        )
    finally:
        await control.stop()
        stop.remove()
        echo.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await echo
        events.close()
    return EXIT_OK


def _started(engine: Engine) -> str:
    config = engine.config
    names = ", ".join(f"{n} ({c.backend.name})" for n, c in engine.connections.items())
    return (
        f"tillsync running as PID {os.getpid()} on {config.engine.state_db}; connections: {names}"
    )


async def _log_events(events: Subscription) -> None:
    """Echo the events until cancelled, then the ones still queued (the last JobFinished)."""
    try:
        async for event in events:
            _log_event(event)
    finally:
        for event in events.drain():
            _log_event(event)


def _log_event(event: EngineEvent) -> None:
    if not isinstance(event, _LOGGED):
        return
    level = _LEVELS.get(event.level.value, logging.INFO)
    prefix = f"{event.connection}/{event.job}" if event.job else event.connection
    events_log.log(level, "%s: %s", prefix, event.message)
