"""Apply streamed pages with several in flight, saving the cursor in order.

Both the catalog and the stock job read pages from the back office and
write each to WooCommerce.  Reading page n+1 while page n is being written,
and writing a few pages at once, is where their speed comes from; saving the
cursor only past fully applied pages is where their safety comes from.

A job whose writes are gathered across pages (engine.sync.batch_filler)
passes a :class:`PageFlow`: the pipeline tells it when the source is reading
and when pages start and finish, so it knows when no page could fill a
request any more; such a job keeps twice as many pages in flight, so that
full requests can be cut while earlier ones are answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, TypeVar

from engine.backends.base import Page
from engine.store.links import Link
from engine.sync.jobrun import JobRun
from engine.sync.ordering import OrderedCommits

__all__ = ["PageFlow", "PageResult", "apply_pages"]

T = TypeVar("T")

PageResult = tuple[list[Link], bool]  # links to save, and whether every item is final
ApplyPage = Callable[[list[T]], Awaitable[PageResult]]


class PageFlow(Protocol):
    """Told where the pipeline is (see engine.sync.batch_filler.BatchFiller)."""

    def reading(self, busy: bool) -> None: ...

    def page_started(self) -> None: ...

    def page_finished(self) -> None: ...


async def apply_pages(
    run: JobRun,
    pages: AsyncIterator[Page[T]],
    apply: ApplyPage[T],
    *,
    cursor_name: str | None,
    concurrency: int,
    flow: PageFlow | None = None,
) -> None:
    """Run ``apply`` on every page; links and cursor of a page commit together."""
    commits: OrderedCommits[str] = OrderedCommits()
    gate = asyncio.Semaphore(max(1, concurrency) * (1 if flow is None else 2))
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
            gate.release()  # before telling the flow: the reader takes the next page first
            if flow is not None:
                flow.page_finished()

    try:
        async with asyncio.TaskGroup() as group:
            async for page in _told(pages, flow):
                await gate.acquire()
                if flow is not None:
                    flow.page_started()
                group.create_task(one(commits.register(), page))
    except ExceptionGroup as failed:
        # the first real error (e.g. "back office unreachable"), not a wrapper
        raise failed.exceptions[0] from None


async def _told(pages: AsyncIterator[Page[T]], flow: PageFlow | None) -> AsyncIterator[Page[T]]:
    """The pages, with the flow told while the next one is being fetched."""
    if flow is None:
        async for page in pages:
            yield page
        return
    iterator = aiter(pages)
    while True:
        flow.reading(True)
        try:
            page = await anext(iterator)
        except StopAsyncIteration:
            return
        finally:
            flow.reading(False)
        yield page


async def _commit(run: JobRun, links: list[Link], cursor: str | None, name: str | None) -> None:
    store, connection = run.ctx.store, run.ctx.connection
    if not links and cursor is None:
        return
    async with store.transaction():
        if links:
            await store.links.upsert_many(links, connection=connection)
        if cursor is not None and name is not None:
            await store.cursors.set(name, cursor, connection=connection)
