"""``tillsync recover``: rebuild a lost, emptied or damaged state database.

Run it when tillsync refuses to start because its markers say it has run
before but the state database doesn't know it.  A damaged file is moved
aside, never deleted; every order since the start point is linked to what
the back office already holds; the next start has nothing to re-book.
"""

from __future__ import annotations

import argparse
import asyncio

from engine.runtime import RecoveryReport, recover_state
from tui.commands.session import EXIT_OK, open_session

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    session = open_session(args)
    report = asyncio.run(recover_state(session.config))
    print(session.mask("\n".join(describe(report))))
    return EXIT_OK


def describe(report: RecoveryReport) -> list[str]:
    lines = [f"Recovered the state database {report.state_db}."]
    if report.moved_aside:
        lines.append(f"  the damaged file was kept as {report.moved_aside}")
    for done in report.connections:
        o = done.orders
        lines += [
            f"{done.connection}: start point {done.since:%Y-%m-%d %H:%M} UTC; "
            f"{o.read} orders read from WooCommerce",
            f"  {o.linked_from_woo} linked by the receipt number in WooCommerce, "
            f"{o.linked_from_backoffice} found in the back office, "
            f"{o.before_start} before the start point (never booked), "
            f"{o.to_book} never booked (the worker books them once)",
        ]
    lines.append("Start tillsync as usual; nothing booked before is booked again.")
    return lines
