"""``tillsync doctor``: every precondition checked, each ✓ or ✗ with what to do.

The configuration is checked first: a bad one stops here with file, key
and fix (exit code 2); one that parses but cannot work (the starter file's
placeholders, a back office without an adapter) fails with exit code 1
before any request is sent.  Then each connection's store and back office,
the settings its jobs need, the webhooks, the clocks and the database.
Exit code 1 when anything failed, so a deploy script or a monitoring probe
can run it."""

from __future__ import annotations

import argparse
from functools import partial

from engine.runtime import CheckStatus, ConfigProblem, DoctorCheck, Engine, config_problems
from tui.commands.session import EXIT_FAILED, EXIT_OK, Session, open_session, run_with_engine

__all__ = ["run"]

_MARK = {CheckStatus.OK: "✓", CheckStatus.WARN: "!", CheckStatus.FAIL: "✗"}


def run(args: argparse.Namespace) -> int:
    session = open_session(args)
    unusable = config_problems(session.config)
    if unusable:
        return _config_failed(session, unusable)
    print(f"✓ config: {session.config.source} is valid")
    return run_with_engine(session, partial(_doctor, session), exclusive=False)


def _config_failed(session: Session, problems: list[ConfigProblem]) -> int:
    """Valid TOML that cannot work (placeholders, no adapter): stop before any request."""
    print(f"✗ config: {session.config.source} cannot work as it is")
    for problem in problems:
        print(session.mask(f"    {problem.dotted}: {problem.problem}"))
    count = len(problems)
    print(f"\n{count} check{'s' if count > 1 else ''} failed.")
    return EXIT_FAILED


async def _doctor(session: Session, engine: Engine) -> int:
    report = await engine.doctor(session.connection)
    for check in report.checks:
        print(session.mask(_line(check)))
    failures = len(report.failures)
    if failures:
        print(f"\n{failures} check{'s' if failures > 1 else ''} failed.")
        return EXIT_FAILED
    print("\nAll checks passed.")
    return EXIT_OK


def _line(check: DoctorCheck) -> str:
    where = f"[{check.connection}] " if check.connection else ""
    text = f"{_MARK[check.status]} {where}{check.name}: {check.message}"
    if check.hint and check.status is not CheckStatus.OK:
        text += f"\n    → {check.hint}"
    return text
