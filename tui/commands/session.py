"""What every engine-backed command does around its own work.

Load the configuration (a bad one is the caller's ``ConfigError``, printed
by :func:`tui.cli.main` as file/key/fix with exit code 2), set up logging
with the configured secrets masked, open the Engine, run the command's
coroutine, and close the Engine whatever happens, so the state database is
always left consistent and the instance lock released.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from engine.runtime import Engine, TillsyncConfig, load_config
from engine.runtime.control import RemoteEngine, attach_if_running
from tui.logsetup import config_secrets, configure_logging

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "Session",
    "StopSignal",
    "open_session",
    "run_with_engine",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130

EngineBody = Callable[[Engine], Awaitable[int]]


@dataclass(frozen=True)
class Session:
    """The loaded configuration and what output must never contain."""

    args: argparse.Namespace
    config: TillsyncConfig
    secrets: tuple[str, ...]

    @property
    def debug(self) -> bool:
        return bool(getattr(self.args, "debug", False) or self.config.engine.debug)

    @property
    def connection(self) -> str | None:
        return getattr(self.args, "connection", None)

    def mask(self, text: str) -> str:
        """Replace configured secrets in text shown to the admin (stored captures…)."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text


def open_session(
    args: argparse.Namespace,
    *,
    log_file: bool = False,
    console_level: int = logging.WARNING,
    stdout: bool = False,
) -> Session:
    """Load the config and configure logging for one command.

    One-off commands log WARNING and up to stderr (their output is on
    stdout); the headless service logs INFO to stdout for journald.
    ``--debug`` shows everything, with HTTP exchanges redacted.
    """
    config = load_config(getattr(args, "config", None))
    session = Session(args, config, tuple(config_secrets(config)))
    configure_logging(
        debug=session.debug,
        console=sys.stdout if stdout else sys.stderr,
        console_level=logging.DEBUG if session.debug else console_level,
        log_dir=config.engine.log_dir if log_file else None,
        secrets=session.secrets,
    )
    return session


def run_with_engine(
    session: Session, body: EngineBody, *, exclusive: bool, attach: bool = False
) -> int:
    """Open the Engine, run ``body`` in a fresh event loop, always close the Engine.

    With ``attach``, a running service's engine is used instead when there is
    one (the command's work is done by the service, its events come back
    here): a state-changing command works while the service runs.
    """

    async def main() -> int:
        engine = await _attached(session) if attach else None
        if engine is None:
            engine = await Engine.open(session.config, exclusive=exclusive)
        try:
            return await body(engine)  # type: ignore[arg-type]
        finally:
            await engine.close()

    return asyncio.run(main())


async def _attached(session: Session) -> RemoteEngine | None:
    def say(text: str) -> None:
        print(f"tillsync: {text}", file=sys.stderr)

    return await attach_if_running(session.config, say)


class StopSignal:
    """SIGTERM / SIGINT as an asyncio event, for commands that stop cleanly.

    Installed on the running loop so the signal only sets the event; the
    command decides how to wind down (finish the write in flight, close the
    run row, release the lock) instead of dying in the middle of it.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.received: signal.Signals | None = None

    def install(self) -> StopSignal:
        loop = asyncio.get_running_loop()
        for sig in self.SIGNALS:
            loop.add_signal_handler(sig, self._set, sig)
        return self

    def _set(self, sig: signal.Signals) -> None:
        self.received = sig
        self.event.set()

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self.SIGNALS:
            loop.remove_signal_handler(sig)

    async def wait(self) -> signal.Signals | None:
        await self.event.wait()
        return self.received
