"""``tillsync`` with no command: the dashboard (the Textual console).

When ``tillsync run --headless`` runs on the same state database, the
console attaches to it (its control socket) instead of refusing.

The console logs to the rotating file in ``engine.log_dir`` only: the
terminal belongs to the UI, and a log line written to it would tear the
screen.  Without a config file the console opens the first-run setup,
which writes one.
"""

from __future__ import annotations

import argparse
import logging
import sys

from engine.runtime import (
    ConfigError,
    TillsyncConfig,
    load_config,
    locate_config,
    refuse_if_running,
)
from engine.runtime.control import SocketState, probe_service, stale_notice

__all__ = ["log_to_file", "open_dashboard"]

_SILENT = logging.CRITICAL + 1


def log_to_file(config: TillsyncConfig, *, debug: bool = False) -> None:
    """The console's logging: the rotating file only, secrets masked."""
    from tui.logsetup import config_secrets, configure_logging

    configure_logging(
        debug=debug or config.engine.debug,
        console=sys.stderr,
        console_level=_SILENT,
        log_dir=config.engine.log_dir,
        secrets=config_secrets(config),
    )


def _configure_logging(args: argparse.Namespace) -> None:
    """Log to the file, after refusing to start when another engine holds the database.

    A service with a live control socket is no refusal: the console attaches
    to it.  A stale socket is said here (the terminal is still ours), then
    the console runs the engine itself, or is refused if something else
    holds the database.  Refusals come before the UI takes the terminal:
    printed, with a non-zero exit code, as for every other command.
    """
    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError:
        return  # the console shows the problem (or runs first-time setup)
    probe = probe_service(config.engine.state_db)
    if probe.state is SocketState.STALE:
        print(f"tillsync: {stale_notice(probe)}", file=sys.stderr)
    if not probe.live:
        refuse_if_running(config.engine.state_db)
    log_to_file(config, debug=bool(getattr(args, "debug", False)))


def open_dashboard(args: argparse.Namespace) -> int:
    from tui.app import TillsyncApp

    path = locate_config(getattr(args, "config", None))
    _configure_logging(args)
    app = TillsyncApp(path, connection=getattr(args, "connection", None))
    return int(app.run() or 0)
