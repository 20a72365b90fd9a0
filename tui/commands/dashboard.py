"""``tillsync`` with no command: the dashboard.

The Textual dashboard is being built; until it lands this says so and lists
what the command line can already do.  The TUI replaces
:func:`open_dashboard` (same signature) and nothing else changes.
"""

from __future__ import annotations

import argparse

__all__ = ["open_dashboard"]

_COMMANDS = """\
  tillsync init                  write a starter config.toml + secrets.toml
  tillsync doctor                check config, endpoints, credentials, webhooks, clock
  tillsync sync catalog --dry-run   show what a catalog sync would change
  tillsync sync catalog|stock    run one job now
  tillsync run --headless        run schedules, orders and webhooks (systemd)
  tillsync orders list|show|retry|skip   the order outbox
  tillsync logs --follow         the engine's event log
  tillsync mappings export|import   tax classes, payment methods… as TOML
  tillsync links reset products|categories   re-match by SKU on the next run
  tillsync demo                  built-in sandboxes to try it all safely
Run `tillsync COMMAND --help` for the options of a command."""


def open_dashboard(args: argparse.Namespace) -> int:
    print("tillsync: the dashboard is coming in a later version. Meanwhile:")
    print(_COMMANDS)
    return 0
