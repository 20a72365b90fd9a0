"""``tillsync webhooks install``: register the order webhooks in WooCommerce.

Creates one webhook per order topic delivering to ``[webhooks] public_url``
+ ``/<connection>``, signed with the connection's webhook secret; without a
secret configured, one is generated and stored in secrets.toml.  The engine
also does this at every start, so this command is for setting up (or
repairing) before the service runs, and for a store whose webhooks were
deleted by hand.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

from engine.runtime import Engine
from engine.runtime.engine import WebhookSetup
from tui.commands.session import EXIT_FAILED, EXIT_OK, Session, open_session, run_with_engine

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    session = open_session(args)
    return run_with_engine(session, partial(_install, session), exclusive=False, attach=True)


async def _install(session: Session, engine: Engine) -> int:
    setup = await engine.install_webhooks(session.connection)
    print(f"WooCommerce webhooks of {setup.connection} deliver to {setup.delivery_url}")
    if setup.created:
        print(f"  created: {', '.join(setup.created)}")
    if setup.updated:
        print(f"  re-keyed and active: {', '.join(setup.updated)}")
    if setup.recreated:
        print(f"  replaced (were switched off by WooCommerce): {', '.join(setup.recreated)}")
    if setup.secret_stored_in is not None:
        print(f"A new webhook secret was stored in {setup.secret_stored_in}.")
        print("Restart tillsync (systemctl restart tillsync) so it checks deliveries with it.")
    if setup.ping_failures:
        return _ping_failed(setup)
    print("`tillsync doctor` checks that they stay active.")
    return EXIT_OK


def _ping_failed(setup: WebhookSetup) -> int:
    """WooCommerce keeps a webhook whose ping failed: its deliveries will fail the same way."""
    answers = ", ".join(
        f"{topic}: {status or 'no answer'}" for topic, status in setup.ping_failures
    )
    print(
        f"tillsync: {setup.delivery_url} did not answer WooCommerce's creation ping with 200 "
        f"({answers})\n  Start tillsync (systemctl start tillsync) and check that the reverse "
        "proxy forwards public_url to it, then run this again; until then orders arrive by "
        "polling only.",
        file=sys.stderr,
    )
    return EXIT_FAILED
