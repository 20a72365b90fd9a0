"""The ``tillsync`` command line: parses arguments and hands off to a command.

Each command lives in ``tui/commands/`` and is imported only when used, so
``tillsync --help`` and headless runs don't pay for the dashboard's imports.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["build_parser", "main"]


def _add_sandbox(sub: argparse._SubParsersAction) -> None:
    sandbox = sub.add_parser("sandbox", help="run a built-in simulator of a remote system")
    which = sandbox.add_subparsers(dest="system", required=True)
    woo = which.add_parser("woo", help="the WooCommerce store simulator")
    woo.add_argument("--port", type=int, default=8081)
    woo.add_argument("--https", action="store_true", help="serve TLS with a self-signed cert")
    woo.add_argument("--products", type=int, default=40, help="seeded products")
    korona = which.add_parser("korona", help="the KORONA POS back-office simulator")
    korona.add_argument("--port", type=int, default=8082)
    korona.add_argument("--products", type=int, default=300, help="seeded products")
    for parser in (woo, korona):
        parser.add_argument("--host", default="127.0.0.1")
        parser.set_defaults(command="sandbox")


def _add_demo(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="start the sandboxes and open the dashboard on them")
    demo.add_argument("--dir", default=".demo", help="where the demo config and state live")
    demo.add_argument("--no-ui", action="store_true", help="only start the sandboxes")
    demo.set_defaults(command="demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tillsync",
        description="Keep a WooCommerce store and a POS / ERP back office in step.",
    )
    sub = parser.add_subparsers(dest="command_name")
    _add_sandbox(sub)
    _add_demo(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = getattr(args, "command", None)
    if command is None:
        parser.print_help()
        return 0
    module = importlib.import_module(f"tui.commands.{command}")
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
