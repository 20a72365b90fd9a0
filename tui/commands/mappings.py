"""``tillsync mappings export [FILE] | import FILE``: the value mappings as TOML.

Export writes every kind (empty ones too, as a template to fill in); import
replaces each kind present in the file and keeps the others, atomically,
after checking the whole file.  Both work beside a running service.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from functools import partial
from pathlib import Path

from engine.runtime import Engine, TillsyncError
from tui.commands.session import EXIT_OK, Session, open_session, run_with_engine

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    session = open_session(args)
    body = _export if args.action == "export" else _import
    changes = args.action == "import"  # through the service when it runs: it checks and logs
    return run_with_engine(session, partial(body, session), exclusive=False, attach=changes)


async def _export(session: Session, engine: Engine) -> int:
    text = await engine.export_mappings(session.connection)
    target = session.args.file
    if not target or target == "-":
        sys.stdout.write(text)
        return EXIT_OK
    await asyncio.to_thread(Path(target).write_text, text, encoding="utf-8")
    print(f"Wrote the mappings to {target}", file=sys.stderr)
    return EXIT_OK


def _read(source: str) -> str:
    return sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")


async def _import(session: Session, engine: Engine) -> int:
    source = session.args.file
    try:
        text = await asyncio.to_thread(_read, source)
    except OSError as error:
        raise TillsyncError(
            f"cannot read {source}: {error.strerror or error}",
            hint="check the file name (or give - to read the mappings from stdin)",
        ) from None
    except UnicodeDecodeError:
        raise TillsyncError(
            f"cannot read {source}: it is not UTF-8 text",
            hint="save the mappings file as UTF-8 TOML",
        ) from None
    count = await engine.import_mappings(text, session.connection, source=source)
    print(f"Imported {count} mapping{'s' if count != 1 else ''} from {source}.")
    return EXIT_OK
