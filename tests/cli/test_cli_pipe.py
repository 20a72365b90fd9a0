"""``tillsync orders list | head``: a reader that stops early is not an error."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from engine.store import OrderSource, StateStore

from .installation import CONNECTION, Installation

ORDERS = 1500  # about 100 KB of listing: more than a pipe holds, so the writer meets EPIPE


async def _seed_waiting_orders(db: Path) -> None:
    async with StateStore.open(db) as store:
        at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
        for order_id in range(1, ORDERS + 1):
            payload = {"id": order_id, "status": "processing", "line_items": []}
            await store.outbox.enqueue(
                order_id, at, payload, OrderSource.POLL, connection=CONNECTION
            )


def test_orders_list_into_a_closed_pipe_exits_quietly(install: Installation):
    asyncio.run(_seed_waiting_orders(install.state_db))
    process = subprocess.Popen(
        install.command("orders", "list", "--limit", str(ORDERS)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=install.env(),
        cwd=install.folder,
    )
    assert process.stdout is not None and process.stderr is not None
    header = process.stdout.readline()  # what `head -1` reads before it goes away
    process.stdout.close()
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert b"order" in header
    assert stderr == "", stderr
    assert code == 141  # as if ended by SIGPIPE, like other Unix filters
