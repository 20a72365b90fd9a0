"""Writer process for the crash test: commits multi-row transactions until it is killed.

Usage: ``python crash_writer.py DB_PATH [atomic|split]``.  Transaction ``n``
writes ``ROWS_PER_TRANSACTION`` links named ``n-0 … n-k``, one outbox order
``n`` and sets the ``crash`` cursor to ``n``.  ``split`` commits each row on
its own: the control run that shows a kill really lands mid-batch.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime

from engine.store import Link, StateStore

ROWS_PER_TRANSACTION = 25


async def write_batch(store: StateStore, n: int) -> None:
    for j in range(ROWS_PER_TRANSACTION):
        await store.links.upsert(Link("product", f"{n}-{j}", n * 1000 + j, sku=f"S{n}-{j}"))
    order = {"id": n, "line_items": [{"sku": f"S{n}-0", "quantity": 1}]}
    await store.outbox.enqueue(n, datetime(2025, 1, 1, tzinfo=UTC), order, "poll")
    await store.cursors.set("crash", str(n))


async def main(path: str, mode: str) -> None:
    async with StateStore.open(path) as store:
        done = int(await store.cursors.value("crash") or 0)
        print("ready", flush=True)
        while True:
            done += 1
            atomic = store.transaction() if mode == "atomic" else None
            block: AbstractAsyncContextManager[object] = atomic or nullcontext()
            async with block:
                await write_batch(store, done)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "atomic"))
