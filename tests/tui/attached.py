"""A console attached to a service, in-process: the seeded engine behind a real control socket.

The "service" here is the seeded shop's Engine served by a
:class:`ControlServer` on a Unix socket in a short private folder; the
console opens a :class:`RemoteEngine` on it, exactly as ``tillsync`` does
when ``run --headless`` is running (that path, with a real subprocess, is
``tests/cli/test_cli_attached.py``).  The service's PID is pinned so the
title bar is the same in every snapshot.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from engine.runtime import Engine, TillsyncConfig
from engine.runtime.control import ControlServer, RemoteEngine
from tests.tui.seed import Shop, engine_factory

SERVICE_PID = 4121


@dataclass
class InProcessService:
    """The service side, for tests that act on it (stop it, run a job on it)."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tsa")))
    engine: Engine | None = None
    server: ControlServer | None = None

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def attached_factory(
    shop: Shop, tmp_path: Path, service: InProcessService
) -> Callable[[TillsyncConfig], Awaitable[Engine]]:
    """An engine factory for TillsyncApp: starts the service, returns the console's RemoteEngine."""
    open_engine = engine_factory(shop, tmp_path)

    async def attach(config: TillsyncConfig) -> Engine:
        engine = await open_engine(config)
        server = ControlServer(engine, service.folder / "state.db.sock", pid=SERVICE_PID)
        await server.start()
        service.engine, service.server = engine, server
        remote = await RemoteEngine.attach(config, server.path)
        detach = remote.close

        async def close(**_: object) -> None:  # the console quits: the service goes too
            await detach()
            await server.stop()
            await engine.close()

        remote.close = close  # type: ignore[method-assign]
        return remote  # type: ignore[return-value]

    return attach
