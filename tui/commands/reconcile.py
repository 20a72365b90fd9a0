"""``tillsync reconcile [--from DAY] [--to DAY] [--report FILE] [--dry-run] [--book-missing]``.

Compares orders, money, prices and stock on both sides for a period
(default: yesterday in the engine's time zone) and prints the drift report.
Money already booked is never changed; stale prices and stock are
rewritten unless ``--dry-run``; ``--book-missing`` queues web orders that
never reached the outbox (the service's worker books them).  ``--report``
also writes it to FILE (CSV when the name ends in ``.csv``, else JSON).
The exit code is 1 when a real difference was found, so a cron job or a
monitor can tell.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from engine.runtime import ConfigError, Engine
from engine.runtime.views_reconcile import DriftReport, period_of, render_text
from tui.commands.session import EXIT_FAILED, EXIT_OK, Session, open_session, run_with_engine

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    session = open_session(args, log_file=True)
    try:  # a bad date is said before anything runs
        period_of(args.first, args.last, session.config.tz)
    except ValueError as error:
        raise ConfigError(str(error), hint="give days as YYYY-MM-DD, --from before --to") from None
    return run_with_engine(session, partial(_reconcile, session), exclusive=True, attach=True)


def _options(args: argparse.Namespace) -> dict[str, object]:
    report = str(Path(args.report).resolve()) if args.report else None  # the service's cwd differs
    return {"start": args.first, "end": args.last, "report": report, "dry_run": args.dry_run,
            "book_missing": args.book_missing}  # fmt: skip


async def _reconcile(session: Session, engine: Engine) -> int:
    result = await engine.run_job("reconcile", session.connection, **_options(session.args))
    if not isinstance(result, DriftReport):
        raise TypeError(f"the reconcile job answered {type(result).__name__}")
    print(render_text(result))
    if session.args.report:
        print(f"Report written to {session.args.report}")
    return EXIT_FAILED if result.real else EXIT_OK
