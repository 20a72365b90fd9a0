"""Looks for configured secrets in everything the test session produces.

Sources: every log record that reaches the root logger (formatted, with its
traceback), every event published on an :class:`~engine.events.EventBus`, every
test's captured output and failure text, and at the end the files the session
left behind — service output, log files, state databases (raw bytes: captures,
events, payloads), SVG screenshots.  A finding names the secret and the place,
never the value.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.secrets_registry import needles

__all__ = ["ARTEFACT_SUFFIXES", "Finding", "SecretSweep", "artefacts"]

#: Files a run leaves that may hold what tillsync printed, logged or stored.
ARTEFACT_SUFFIXES = (".log", ".out", ".txt", ".db", ".db-wal", ".db-journal", ".svg", ".json")
_MAX_FINDINGS = 50


@dataclass(frozen=True)
class Finding:
    secret: str  # the registry's name for it
    where: str

    def __str__(self) -> str:
        return f"{self.secret} found in {self.where}"


def artefacts(root: Path, suffixes: Iterable[str] = ARTEFACT_SUFFIXES) -> Iterator[Path]:
    """Files under ``root`` that may hold output; config and secrets files are not output."""
    wanted = tuple(suffixes)
    for path in sorted(root.rglob("*")):
        name = path.name
        if path.is_file() and (name.endswith(wanted) or ".log." in name):
            yield path


class SecretSweep:
    """``sweep.check(text, where)`` anywhere; ``sweep.findings`` at the end."""

    def __init__(self) -> None:
        self._needles = needles()
        self.findings: list[Finding] = []
        self.scanned = 0

    def check(self, text: str, where: str) -> list[Finding]:
        self.scanned += 1
        found = [Finding(name, where) for needle, name in self._needles.items() if needle in text]
        if len(self.findings) < _MAX_FINDINGS:
            self.findings.extend(found)
        return found

    def check_file(self, path: Path) -> list[Finding]:
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return []
        return self.check(text, str(path))

    def check_files(self, paths: Iterable[Path]) -> list[Finding]:
        return [finding for path in paths for finding in self.check_file(path)]

    def log_handler(self) -> logging.Handler:
        return _SweepHandler(self)

    def report(self) -> str:
        lines = [str(f) for f in self.findings]
        return "configured secrets were exposed:\n  " + "\n  ".join(lines)


class _SweepHandler(logging.Handler):
    """Formats every record it is given (message and traceback) and checks the text."""

    def __init__(self, sweep: SecretSweep) -> None:
        super().__init__(logging.NOTSET)
        self.sweep = sweep
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a broken record is the logging call's problem, not the sweep's
            text = str(record.msg)
        self.sweep.check(text, f"log record {record.name}:{record.lineno} ({record.levelname})")
