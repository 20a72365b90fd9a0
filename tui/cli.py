"""The ``tillsync`` command line: parses arguments and hands off to a command.

Each command lives in ``tui/commands/`` and is imported only when used, so
``tillsync --help`` and headless runs don't pay for the dashboard's imports.
:func:`main` is also where every failure becomes a message and an exit
code, never a traceback: 2 for a configuration problem (with file, key and
an example of the fix), 1 for anything else, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from engine.runtime import (
    CONFIG_ENV_VAR,
    ConfigError,
    TillsyncError,
    event_jobs,
    format_config_error,
)
from engine.runtime.views_setup import backend_choices, sandbox_entries

__all__ = ["build_parser", "main"]

log = logging.getLogger(__name__)

SubParsers = argparse._SubParsersAction

SYNC_JOBS = ("catalog", "stock", "orders", "customers")
EXIT_BROKEN_PIPE = 141
ORDER_STATES = ("waiting", "in_flight", "held", "failed", "done", "voiding", "voided", "skipped")
# What the event log files events under: the scheduled jobs, the order worker, the receiver, admin.
LOG_JOBS = event_jobs()


def _port(text: str) -> int:
    """A TCP port, refused by argparse (exit 2, usage) instead of by the socket layer."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: use 1-65535")
    return port


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--config/--debug/--connection accepted before or after the command name.

    Below the top level the default is SUPPRESS, so an option given before
    the command is not reset to None by the subcommand's parser.
    """
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help=f"config file (default: ${CONFIG_ENV_VAR}, else the user config folder)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="log every API request and response (secrets redacted)",
    )
    _connection(parser, top=top)


def _command(
    sub: SubParsers, name: str, help_text: str, **kwargs: object
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text, **kwargs)
    _common(parser, top=False)
    parser.set_defaults(command=name)
    return parser


def _connection(parser: argparse.ArgumentParser, *, top: bool = True) -> None:
    parser.add_argument(
        "--connection",
        metavar="NAME",
        default=None if top else argparse.SUPPRESS,
        help="which [connections.NAME] (when several)",
    )


def _action(sub: SubParsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """A second-level command (``orders show``) that accepts the options of its parent too."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    _common(parser, top=False)
    return parser


def _add_init(sub: SubParsers) -> None:
    init = _command(sub, "init", "write a commented starter config and secrets file")
    init.add_argument("--path", metavar="PATH", help="where to write config.toml")
    init.add_argument("--name", default="shop1", help="name of the first connection")
    init.add_argument(
        "--backend",
        choices=[name for name, _ in backend_choices()],
        help="which back office (default: the first installed)",
    )


def _add_run(sub: SubParsers) -> None:
    run = _command(sub, "run", "run the engine: schedules, orders, webhooks")
    run.add_argument(
        "--headless", action="store_true", help="no dashboard: log to stdout (for systemd)"
    )


def _add_sync(sub: SubParsers) -> None:
    sync = _command(sub, "sync", "run one job now, with progress and a summary")
    sync.add_argument("job", choices=SYNC_JOBS)
    sync.add_argument("--full", action="store_true", help="re-read everything, not just changes")
    sync.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    sync.add_argument("--only-new", action="store_true", help="catalog: only create new products")
    sync.add_argument(
        "--sku", action="append", dest="skus", metavar="SKU", help="catalog: only this SKU"
    )


def _add_reconcile(sub: SubParsers) -> None:
    text = "compare orders, money, prices and stock on both sides; print the drift report"
    reconcile = _command(sub, "reconcile", text)
    reconcile.add_argument("--from", dest="first", metavar="DAY", help="first day (YYYY-MM-DD)")
    reconcile.add_argument("--to", dest="last", metavar="DAY", help="last day (default: --from)")
    reconcile.add_argument("--report", metavar="FILE", help="also write it to FILE (.csv or .json)")
    reconcile.add_argument(
        "--dry-run", action="store_true", help="list stale prices and stock; rewrite nothing"
    )
    reconcile.add_argument(
        "--book-missing", action="store_true",
        help="queue web orders that never reached the outbox (the worker books them)",
    )  # fmt: skip


def _add_doctor(sub: SubParsers) -> None:
    _command(sub, "doctor", "check config, endpoints, credentials, webhooks, clock, DB")


def _add_orders(sub: SubParsers) -> None:
    orders = _command(sub, "orders", "inspect and act on the order outbox")
    action = orders.add_subparsers(dest="action", required=True)
    listing = _action(action, "list", "orders, most recently changed first")
    listing.add_argument("--state", choices=ORDER_STATES)
    listing.add_argument("--limit", type=int, default=50)
    _action(action, "show", "one order: history, last exchange, error").add_argument(
        "order_id", type=int
    )
    _action(action, "retry", "send a failed/held/skipped order again").add_argument(
        "order_id", type=int
    )
    skip = _action(action, "skip", "never send this order to the back office")
    skip.add_argument("order_id", type=int)
    skip.add_argument("--reason", default="skipped by the admin")
    backfill = _action(action, "backfill", "book orders older than the start point (counts first)")
    backfill.add_argument(
        "--since", required=True, metavar="DATE", help="new start point, e.g. 2026-11-01 (UTC)"
    )
    backfill.add_argument("--yes", action="store_true", help="move it (without: only count)")
    drafts = _action(action, "drafts", "orders the back office kept as drafts for short stock")
    drafts.add_argument("--finalise", action="store_true", help="make final those back in stock")


def _add_recover(sub: SubParsers) -> None:
    _command(sub, "recover", "rebuild a lost or damaged state database; re-books nothing")


def _add_links(sub: SubParsers) -> None:
    links = _command(sub, "links", "manage the WooCommerce ↔ back-office links")
    action = links.add_subparsers(dest="action", required=True)
    reset = _action(action, "reset", "forget links; the next run re-matches by SKU")
    reset.add_argument("group", choices=("products", "categories"))
    reset.add_argument("--yes", action="store_true", help="don't ask for confirmation")


def _add_mappings(sub: SubParsers) -> None:
    mappings = _command(sub, "mappings", "export or import the value mappings (TOML)")
    action = mappings.add_subparsers(dest="action", required=True)
    _action(action, "export", "write the mappings (stdout without FILE)").add_argument(
        "file", nargs="?"
    )
    _action(action, "import", "replace the kinds present in FILE").add_argument("file")


def _add_webhooks(sub: SubParsers) -> None:
    webhooks = _command(sub, "webhooks", "register the order webhooks in WooCommerce")
    action = webhooks.add_subparsers(dest="action", required=True)
    _action(action, "install", "create or re-key them (a secret is generated if none is set)")


def _add_logs(sub: SubParsers) -> None:
    logs = _command(sub, "logs", "show the engine's event log")
    logs.add_argument("--follow", "-f", action="store_true", help="keep showing new events")
    logs.add_argument("--level", choices=("debug", "info", "warning", "error", "critical"))
    logs.add_argument("--job", choices=LOG_JOBS, help="only this job's events")
    logs.add_argument("--limit", "-n", type=int, default=50)


def _add_sandbox(sub: SubParsers) -> None:
    sandbox = sub.add_parser("sandbox", help="run a built-in simulator of a remote system")
    which = sandbox.add_subparsers(dest="system", required=True)
    woo = which.add_parser("woo", help="the WooCommerce store simulator")
    woo.add_argument("--port", type=_port, default=8081)
    woo.add_argument("--https", action="store_true", help="serve TLS with a self-signed cert")
    woo.add_argument("--products", type=int, default=40, help="seeded products")
    parsers = [woo]
    for entry in sandbox_entries():  # each installed back office that ships a simulator
        backoffice = which.add_parser(entry.name, help=f"the {entry.title} simulator")
        backoffice.add_argument("--port", type=_port, default=8082)
        backoffice.add_argument("--products", type=int, default=300, help="seeded products")
        parsers.append(backoffice)
    for parser in parsers:
        parser.add_argument("--host", default="127.0.0.1")
        parser.set_defaults(command="sandbox")


def _add_demo(sub: SubParsers) -> None:
    demo = sub.add_parser("demo", help="start the sandboxes and open the dashboard on them")
    demo.add_argument("--dir", default=".demo", help="where the demo config and state live")
    demo.add_argument("--no-ui", action="store_true", help="only start the sandboxes")
    demo.add_argument(
        "--backend", default=None, help="which back office (default: the first with a demo)"
    )
    demo.set_defaults(command="demo")


def _tool(sub: SubParsers, name: str, help_text: str, tool: str) -> argparse.ArgumentParser:
    """A command served by tui/commands/shop_tools.py (its module name isn't the command's)."""
    parser = _command(sub, name, help_text)
    parser.set_defaults(command="shop_tools", tool=tool)
    return parser


def _add_tools(sub: SubParsers) -> None:
    full = _tool(
        sub, "full-sync", "catalog, coupons, stock, orders in order (quota checked)", "full_sync"
    )
    full.add_argument("--ignore-errors", action="store_true", help="go on past a failed step")
    fix = _tool(
        sub,
        "fix-sku",
        "make the shop's SKUs acceptable to the back office (dry run first)",
        "fix_sku",
    )
    fix.add_argument("--prefix", default="SKU-", help="empty SKUs become PREFIX + the product id")
    fix.add_argument("--yes", action="store_true", help="write the fixes (without: only show them)")
    tools = _command(sub, "test-tools", "test-mode tools (refused in live mode)")
    action = tools.add_subparsers(dest="action", required=True)
    clear = _action(action, "clear-all", "forget links, cursors and mappings; nothing deleted")
    clear.add_argument("--confirm", metavar="TEXT", help="the typed words: clear all <connection>")
    clear.set_defaults(command="shop_tools", tool="clear_all")
    reset = _action(action, "reset-order-timestamp", "read orders changed after DATE (default now)")
    reset.add_argument("--to", metavar="DATE", help="e.g. 2026-11-01 or 2026-11-01T08:00 (UTC)")
    reset.set_defaults(command="shop_tools", tool="reset_order_timestamp")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tillsync",
        description="Keep a WooCommerce store and a POS / ERP back office in step.",
        epilog="Without a command, tillsync opens the dashboard.",
    )
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")
    for add in (_add_init, _add_run, _add_sync, _add_doctor, _add_orders, _add_links):
        add(sub)
    for add in (_add_mappings, _add_webhooks, _add_logs, _add_sandbox, _add_demo, _add_recover):
        add(sub)
    _add_reconcile(sub)
    _add_tools(sub)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    command = getattr(args, "command", None) or "dashboard"
    module = importlib.import_module(f"tui.commands.{command}")
    if command == "dashboard":
        return int(module.open_dashboard(args) or 0)
    return int(module.run(args) or 0)


def _complain(text: str) -> None:
    print(text, file=sys.stderr)


def _unexpected(error: Exception, *, debug: bool) -> None:
    """Log the traceback where logging is set up (or show it with --debug), say it briefly."""
    if logging.getLogger().handlers:
        log.error("unexpected error", exc_info=error)
        where = "; details are in the log"
    elif debug:
        traceback.print_exception(error, file=sys.stderr)
        where = ""
    else:
        where = "; run again with --debug for details"
    _complain(f"tillsync: unexpected error ({type(error).__name__}){where}")


def _os_error(error: OSError) -> str:
    """``cannot use /proc/nope: No such file or directory``, never a bare class name."""
    where = f" {error.filename}" if error.filename else ""
    why = error.strerror or type(error).__name__
    return f"tillsync: cannot use{where}: {why}"


def _reader_went_away() -> int:
    """``tillsync orders list | head``: the reader has all it wanted, so stop quietly.

    Output still buffered would fail again when Python flushes at exit, so
    stdout is pointed at /dev/null first (the recipe in Python's signal docs).
    The exit code is the shell's for a process ended by SIGPIPE (128 + 13).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except ConfigError as error:
        _complain(format_config_error(error))
        return 2
    except TillsyncError as error:
        _complain(f"tillsync: {error.message}\n  {error.hint}")
        return 1
    except KeyboardInterrupt:
        _complain("tillsync: interrupted")
        return 130
    except OSError as error:  # a file or folder the admin named: say which and why
        _complain(_os_error(error))
        return 1
    except Exception as error:  # the last resort: a message; the traceback goes to the log
        _unexpected(error, debug=bool(getattr(args, "debug", False)))
        return 1


if __name__ == "__main__":
    sys.exit(main())
