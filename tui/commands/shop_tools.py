"""``tillsync full-sync``, ``tillsync fix-sku`` and ``tillsync test-tools …``.

Thin: each parses what the admin typed, has the engine (or the running
service, when there is one) do the work through :mod:`engine.runtime.shop_tools`,
and prints the answer.

- ``full-sync [--ignore-errors]``: refused with both numbers when the
  account's request quota can't cover it; exit 1 when a step failed or
  items were set aside.
- ``fix-sku [--prefix TEXT] [--yes]``: always the dry run's diff first;
  only ``--yes`` writes it.
- ``test-tools clear-all [--confirm TEXT]`` and ``test-tools
  reset-order-timestamp [--to DATE]``: refused outside the back office's
  test mode; clearing needs the typed words ``clear all <connection>``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Coroutine
from functools import partial
from typing import Any

from engine.runtime import ConfigError, Engine, shop_tools
from engine.runtime.control import RemoteEngine
from engine.runtime.test_tools import confirmation_words
from tui.commands.orders_backfill import parse_since
from tui.commands.session import EXIT_FAILED, EXIT_OK, Session, open_session, run_with_engine

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    session = open_session(args, log_file=True)
    body = {"full_sync": _full_sync, "fix_sku": _fix_sku, "clear_all": _clear_all,
            "reset_order_timestamp": _reset}[args.tool]  # fmt: skip
    return run_with_engine(session, partial(body, session), exclusive=True, attach=True)


async def _call(engine: Engine, work: Coroutine[Any, Any, Any]) -> Any:
    """Attached, the service runs the same function on its engine (the socket's facade call)."""
    if isinstance(engine, RemoteEngine):
        return await engine.relay(work)
    return await work


async def _full_sync(session: Session, engine: Engine) -> int:
    ignore = session.args.ignore_errors
    done = await _call(engine, shop_tools.full_sync(engine, session.connection, ignore))
    if done.budget is not None:
        print(f"{done.connection}: {done.budget.describe()}")
    print(f"Done: {', '.join(done.done) or 'nothing'}")
    for line in done.set_aside:
        print(f"  set aside  {line}")
    for line in done.failed:
        print(f"  failed     {line}")
    if done.stopped_at:
        print(f"Stopped at {done.stopped_at}: --ignore-errors goes on past a failed step.")
    return EXIT_FAILED if done.failed or done.set_aside else EXIT_OK


async def _fix_sku(session: Session, engine: Engine) -> int:
    args = session.args
    work = shop_tools.fix_sku(engine, session.connection, args.prefix, args.yes)
    outcome = await _call(engine, work)
    for line in outcome.diff:
        print(line)
    if not outcome.diff:
        print(f"{outcome.connection}: every SKU already fits; nothing to fix.")
    elif outcome.applied is None:
        print(f"Dry run: {len(outcome.diff)} SKU(s) would change. Add --yes to write them.")
    else:
        print(f"Fixed {outcome.applied} of {len(outcome.diff)} SKU(s) in WooCommerce.")
        return EXIT_OK if outcome.applied == len(outcome.diff) else EXIT_FAILED
    return EXIT_OK


def _typed(session: Session, name: str) -> str:
    words = confirmation_words(name)
    if session.args.confirm is not None:
        return str(session.args.confirm)
    if not sys.stdin.isatty():
        raise ConfigError(
            "clear-all needs its typed confirmation",
            hint=f'run it in a terminal, or add --confirm "{words}"',
        )
    return input(f"This forgets every link, cursor and mapping. Type '{words}': ")


async def _clear_all(session: Session, engine: Engine) -> int:
    name = engine.connection(session.connection).name
    typed = _typed(session, name)
    cleared = await _call(engine, shop_tools.clear_all(engine, name, typed))
    print(
        f"{name}: forgot {cleared.links} link(s), {cleared.cursors} cursor(s) and "
        f"{cleared.mappings} mapping(s). Nothing was deleted in either shop."
    )
    return EXIT_OK


async def _reset(session: Session, engine: Engine) -> int:
    try:
        to = parse_since(session.args.to) if session.args.to else None
    except ConfigError:
        raise ConfigError(
            f"--to {session.args.to!r} is not a date", hint="Write it as 2026-11-01T08:00."
        ) from None
    moment = await _call(engine, shop_tools.reset_order_timestamp(engine, session.connection, to))
    print(f"The order poll now reads orders changed after {moment:%Y-%m-%d %H:%M:%S} UTC.")
    return EXIT_OK
