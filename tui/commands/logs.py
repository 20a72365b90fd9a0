"""``tillsync logs [--follow] [--level L] [--job J] [--limit N]``: the stored event log.

Reads the events the engine journals to its database, so it shows what a
running service (or the last run) did, from any shell, without touching
the service.  ``--follow`` polls for new events until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from functools import partial

from engine.runtime import Engine, StoredEvent
from tui.commands.session import EXIT_OK, Session, StopSignal, open_session, run_with_engine

__all__ = ["POLL_SECONDS", "run"]

POLL_SECONDS = 1.0


def run(args: argparse.Namespace) -> int:
    session = open_session(args)
    return run_with_engine(session, partial(_logs, session), exclusive=False)


async def _logs(session: Session, engine: Engine) -> int:
    args = session.args
    filters = {"level": args.level, "job": args.job, "connection": session.connection}
    events = await engine.query_events(limit=args.limit, **filters)
    _show(session, events)
    if not args.follow:
        return EXIT_OK
    last = events[-1].id if events else 0
    stop = StopSignal().install()
    try:
        while not stop.event.is_set():
            events = await engine.query_events(after_id=last, **filters)
            _show(session, events)
            last = events[-1].id if events else last
            await _nap(stop)
    finally:
        stop.remove()
    return EXIT_OK


async def _nap(stop: StopSignal) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.event.wait(), POLL_SECONDS)


def _show(session: Session, events: list[StoredEvent]) -> None:
    for event in events:
        where = "/".join(part for part in (event.connection, event.job) if part)
        stamp = event.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        line = f"{stamp} {event.level.upper():<8} {where}: {event.message}"
        print(session.mask(line), flush=True)
