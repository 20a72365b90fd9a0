"""``tillsync sync catalog|stock|orders|customers``: one job now, watched.

``--dry-run`` reads both sides and prints the diff the run would apply,
writing nothing.  SIGTERM / Ctrl-C stops the job cleanly: the run row is
closed as interrupted, pages already applied stay applied (their cursor
was saved with them), and the next run continues from there; the exit code
is 130 because the run did not complete.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from functools import partial
from typing import Any

from engine.runtime import Engine
from engine.runtime.control import RemoteEngine
from tui.commands.session import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Session,
    StopSignal,
    open_session,
    run_with_engine,
)
from tui.commands.sync_display import ProgressDisplay, render_summary, reports_of, stop_progress

__all__ = ["JOB_OF", "run"]

# command word -> engine job name
JOB_OF = {"catalog": "catalog", "stock": "stock", "orders": "orders_poll", "customers": "customers"}


def run(args: argparse.Namespace) -> int:
    session = open_session(args, log_file=True)
    return run_with_engine(session, partial(_sync, session), exclusive=True, attach=True)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "full": args.full,
        "dry_run": args.dry_run,
        "only_new": args.only_new,
        "skus": tuple(args.skus or ()),
    }


async def _sync(session: Session, engine: Engine) -> int:
    args = session.args
    job = JOB_OF[args.job]
    display = ProgressDisplay(job, only=_only(engine, job, session))
    events = engine.bus.subscribe()
    follower = asyncio.create_task(display.follow(events))
    work = asyncio.create_task(engine.run_job(job, session.connection, **_options(args)))
    stop = StopSignal().install()
    try:
        interrupted = await _wait(work, stop)
    finally:
        stop.remove()
        await stop_progress(display, follower)
        events.close()
    if interrupted:
        print(
            "tillsync: interrupted — the run was stopped cleanly; the next run continues "
            "from the last page saved",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return _report(args, job, work.result())


def _only(engine: Engine, job: str, session: Session) -> tuple[str, str] | None:
    """Sent to the service, the bar follows this job on this connection, not the schedule's
    other runs (alone, every progress event is this run's)."""
    if not isinstance(engine, RemoteEngine):
        return None
    return (engine.connection(session.connection).name, job)


async def _wait(work: asyncio.Task[Any], stop: StopSignal) -> bool:
    """Wait for the job or a stop signal; on a signal cancel the job and let it close its run."""
    signalled = asyncio.create_task(stop.wait())
    await asyncio.wait({work, signalled}, return_when=asyncio.FIRST_COMPLETED)
    if work.done():
        signalled.cancel()
        return False
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)
    return True


def _report(args: argparse.Namespace, job: str, result: Any) -> int:
    reports = reports_of(result)
    if args.dry_run:
        print("Dry run: nothing was written. This is what the run would do:")
        for report in reports:
            diff = getattr(report, "diff", None)
            if diff is not None:
                print(diff.render())
    render_summary(job, reports, dry_run=args.dry_run)
    failed = sum(getattr(getattr(r, "totals", None), "failed", 0) for r in reports)
    unknown = [sku for r in reports for sku in getattr(r, "unknown_skus", ())]
    for sku in unknown:
        print(f"tillsync: --sku {sku}: the back office has no product {sku!r}", file=sys.stderr)
    return EXIT_FAILED if failed or unknown else EXIT_OK
