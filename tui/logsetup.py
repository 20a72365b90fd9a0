"""Where log records go: the only place tillsync installs logging handlers.

Engine modules only call ``logging.getLogger(__name__)``; the command line
decides the destinations here (STYLE.md §13):

* a console stream.  Under systemd (``JOURNAL_STREAM`` set) lines are
  ``LEVEL logger: message`` without a timestamp, because journald stamps
  every line itself; elsewhere they start with the local time.
* for engine runs, a rotating file in ``engine.log_dir``, created 0600 in a
  0700 folder: logs name customers and orders.

Every formatted line goes through :class:`SecretMask`, which replaces the
configured secrets with ``***``.  The transport already redacts what it
logs; the mask is the last line of defence for everything else (an
exception message quoting a URL, a library logging a header).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, SecretStr

from tui.logrepeat import RepeatFilter

__all__ = [
    "LOG_FILE",
    "PrivateRotatingFileHandler",
    "SecretMask",
    "config_secrets",
    "configure_logging",
    "under_systemd",
]

LOG_FILE = "tillsync.log"
MASK = "***"
_JOURNAL_FORMAT = "%(levelname)s %(name)s: %(message)s"
_CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_FILE_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# Libraries that log whole URLs (query-string auth carries the consumer secret)
# or one line per SQL statement: never below WARNING, even with --debug.
# oauthlib logs the OAuth1 signature base string and the signature at DEBUG.
_QUIET = ("httpx", "httpcore", "hpack", "aiosqlite", "asyncio", "uvicorn.access", "oauthlib")


def under_systemd() -> bool:
    """journald sets JOURNAL_STREAM for services whose stdout/stderr it collects."""
    return bool(os.environ.get("JOURNAL_STREAM"))


class SecretMask(logging.Formatter):
    """A formatter that masks known secret values in the finished line."""

    def __init__(
        self,
        fmt: str,
        secrets: Iterable[str] = (),
        datefmt: str | None = None,
        *,
        tracebacks: bool = True,
    ) -> None:
        super().__init__(fmt, datefmt=datefmt)
        # longest first, so a secret containing another is masked whole
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and not self.tracebacks:
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        text = super().format(record)
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (rotated ones too) is created 0600."""

    def _open(self) -> IO[str]:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)


def config_secrets(settings: Any) -> list[str]:
    """Every SecretStr value inside a (pydantic) configuration, for :class:`SecretMask`."""
    found: list[str] = []
    _collect(settings, found)
    return found


def _collect(value: Any, found: list[str]) -> None:
    if isinstance(value, SecretStr):
        found.append(value.get_secret_value())
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _collect(getattr(value, name), found)
        for extra in (value.model_extra or {}).values():
            _collect(extra, found)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, found)


def configure_logging(
    *,
    debug: bool = False,
    console: IO[str] | None = None,
    console_level: int | None = None,
    log_dir: Path | None = None,
    secrets: Iterable[str] = (),
) -> None:
    """Replace the root handlers: a console stream, and a rotating file when ``log_dir``.

    ``console_level`` defaults to DEBUG with ``debug`` else INFO; one-off
    commands pass WARNING so their own output stays readable.
    """
    level = logging.DEBUG if debug else logging.INFO
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    secrets = list(secrets)
    stream = logging.StreamHandler(console or sys.stderr)
    fmt = _JOURNAL_FORMAT if under_systemd() else _CONSOLE_FORMAT
    stream.setFormatter(SecretMask(fmt, secrets, datefmt=_TIME_FORMAT, tracebacks=debug))
    stream.setLevel(console_level if console_level is not None else level)
    root.addHandler(stream)
    if log_dir is not None:
        root.addHandler(_file_handler(log_dir, level, secrets))
    repeats = RepeatFilter()  # one for all handlers: a record is judged once
    for handler in root.handlers:
        handler.addFilter(repeats)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)


def _file_handler(log_dir: Path, level: int, secrets: list[str]) -> logging.Handler:
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = PrivateRotatingFileHandler(
        log_dir / LOG_FILE, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(SecretMask(_FILE_FORMAT, secrets, datefmt=_TIME_FORMAT))
    handler.setLevel(level)
    return handler
