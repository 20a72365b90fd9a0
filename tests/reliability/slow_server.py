"""The webhook receiver in a process of its own, with 1,024 descriptors, logging as the
service does (rotating file through tui.logsetup).  Prints its port, then serves until
killed.  Used by test_slow_clients: ``python -m tests.reliability.slow_server DIR SECRET``.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
from pathlib import Path

from engine.events import EventBus
from engine.store import StateStore
from engine.sync.context import SyncContext
from engine.sync.orders import IntakeRouter, OrderIntake
from engine.webhooks import WebhookReceiver, WebhookServer
from tui.logsetup import configure_logging

DESCRIPTORS = 1024


async def serve(folder: Path, secret: str) -> None:
    store = await StateStore.open(folder / "state.db", synchronous="NORMAL")
    ctx = SyncContext("default", store, woo=None, backend=None, bus=EventBus())  # type: ignore[arg-type]
    receiver = WebhookReceiver(
        secrets={"default": secret}, intake=IntakeRouter({"default": OrderIntake(ctx)})
    )
    server = WebhookServer(receiver.app, port=0)
    await server.start()
    print(server.port, flush=True)
    await asyncio.Event().wait()


def main() -> None:
    folder, secret = Path(sys.argv[1]), sys.argv[2]
    resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTORS, DESCRIPTORS))
    console = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    configure_logging(console=console, log_dir=folder / "logs")
    asyncio.run(serve(folder, secret))


if __name__ == "__main__":
    main()
