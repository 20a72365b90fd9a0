"""``tillsync links reset products|categories``: forget links, re-match on the next run.

Nothing is deleted in WooCommerce.  The cursors are rewound with the links,
so the next run reads the whole catalog and links each product again by
SKU (each category by name and parent).  It needs the engine to itself: a
sync running meanwhile would write links back half-way.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

from engine.runtime import Engine
from tui.commands.session import (
    EXIT_FAILED,
    EXIT_OK,
    Session,
    open_session,
    run_with_engine,
)

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    session = open_session(args)
    if not args.yes and not _confirmed(args.group):
        print("Nothing changed.", file=sys.stderr)
        return EXIT_FAILED
    return run_with_engine(session, partial(_reset, session), exclusive=True, attach=True)


def _confirmed(group: str) -> bool:
    if not sys.stdin.isatty():
        print(
            f"tillsync: resetting {group} links needs --yes when not run interactively",
            file=sys.stderr,
        )
        return False
    answer = input(f"Forget every {group} link? The next run re-matches by SKU. [y/N] ")
    return answer.strip().lower() in ("y", "yes")


async def _reset(session: Session, engine: Engine) -> int:
    removed = await engine.reset_links(session.args.group, session.connection)
    cursors = removed.pop("cursors", 0)
    counts = ", ".join(f"{n} {kind} link{'s' if n != 1 else ''}" for kind, n in removed.items())
    print(f"Removed {counts}; rewound {cursors} cursor{'s' if cursors != 1 else ''}.")
    print("Nothing was deleted in WooCommerce. The next run re-reads everything and")
    print("matches by SKU again: `tillsync sync catalog --dry-run` shows what it would do.")
    return EXIT_OK
