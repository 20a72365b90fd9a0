"""Apply streamed pages with several in flight, saving the cursor in order.

Both the catalog and the stock job read pages from the back office and
write each to WooCommerce.  Reading page n+1 while page n is being written,
and writing a few pages at once, is where their speed comes from; saving the
cursor only past fully applied pages is where their safety comes from.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from engine.backends.base import Page
from engine.store.links import Link
from engine.sync.jobrun import JobRun
from engine.sync.ordering import OrderedCommits

__all__ = ["PageResult", "apply_pages"]

T = TypeVar("T")

PageResult = tuple[list[Link], bool]  # links to save, and whether every item is final
ApplyPage = Callable[[list[T]], Awaitable[PageResult]]


async def apply_pages(
    run: JobRun,
    pages: AsyncIterator[Page[T]],
    apply: ApplyPage[T],
    *,
    cursor_name: str | None,
    concurrency: int,
) -> None:
    """Run ``apply`` on every page; links and cursor of a page commit together."""
    commits: OrderedCommits[str] = OrderedCommits()
    gate = asyncio.Semaphore(max(1, concurrency))
    done = 0

    async def one(seq: int, page: Page[T]) -> None:
        nonlocal done
        try:
            links, complete = await apply(list(page.items))
            cursor = commits.finish(seq, page.cursor, complete=complete)
            if not run.dry_run:
                await _commit(run, links, cursor if cursor_name else None, cursor_name)
            done += len(page.items)
            run.totals.read += len(page.items)
            run.progress(done, page.total)
        finally:
            gate.release()

    try:
        async with asyncio.TaskGroup() as group:
            async for page in pages:
                await gate.acquire()
                group.create_task(one(commits.register(), page))
    except ExceptionGroup as failed:
        # the first real error (e.g. "back office unreachable"), not a wrapper
        raise failed.exceptions[0] from None


async def _commit(run: JobRun, links: list[Link], cursor: str | None, name: str | None) -> None:
    store, connection = run.ctx.store, run.ctx.connection
    if not links and cursor is None:
        return
    async with store.transaction():
        if links:
            await store.links.upsert_many(links, connection=connection)
        if cursor is not None and name is not None:
            await store.cursors.set(name, cursor, connection=connection)
