"""One read of the stock cards, shared by the readers that start it together.

WHY: a first catalog run asks for every card twice at the same moment: the
stock snapshot (``read_stock``, so new products go in with their stock) and
the products (``read_products``).  Both are the same ``/catalog-items``
pages, and KROS allows 300 requests a minute, so 20,000 cards cost 402
requests and more than a minute instead of 201 and 20 s.

A reader that starts within :data:`JOIN_WINDOW` of a pass with the same
query, while the pass is still being read and for a purpose it has not
served yet, joins it: it gets the pages already fetched and the rest as
whichever reader gets there first fetches them (one request per page).
What may be shared is therefore at most a few seconds old, and a later run
(its jobs start after the previous run's reads ended, or read for a purpose
already served, or start after the window) always reads afresh.  Once nobody can
join any more, a page is dropped as soon as every reader has passed it.

The pass reads ahead: once the first page came back full, a reader waiting
for page n has page n + 1 asked for too (:data:`READ_AHEAD` pages in
flight), so KROS's pacing, not one round trip after another, sets the pace
(one page at a time, a 0.1 s trip gave 7 pages a second of the 10 allowed;
bench finding 9).  KROS sends no total, so the end is seen only at a short
page: reading ahead costs at most ``READ_AHEAD - 1`` requests past it (none
when the first page is the short one, as in a quiet run), and a page asked
for beyond the short one is cancelled, before it goes if it is still
waiting for its turn.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncGenerator, Awaitable, Callable

__all__ = ["JOIN_WINDOW", "READ_AHEAD", "CardPass", "CardPasses"]

JOIN_WINDOW = 3.0  # seconds after a pass starts that another reader may join it
READ_AHEAD = 2  # pages in flight at once: one more than needed, at most one request wasted

FetchPage = Callable[[int], Awaitable[list[dict]]]  # skip -> that page's rows


def _retrieve(task: asyncio.Task[list[dict]]) -> None:
    """A page read ahead that nobody waited for must not log its failure as unhandled."""
    if not task.cancelled():
        task.exception()


class CardPass:
    """The pages of one query, fetched once, kept until every reader has them."""

    def __init__(
        self,
        fetch: FetchPage,
        page_size: int,
        clock: Callable[[], float],
        ahead: int = READ_AHEAD,
    ) -> None:
        self._fetch = fetch
        self._top = page_size
        self._clock = clock
        self._ahead = max(1, ahead)
        self.started = clock()
        self.purposes: set[str] = set()
        self._reading = 0  # readers not finished yet
        self._pages: dict[int, asyncio.Task[list[dict]]] = {}
        self._last: int | None = None  # index of the short page, once seen
        self._positions: dict[int, int] = {}  # reader -> index of its next page
        self._readers = itertools.count()

    def joinable(self, purpose: str) -> bool:
        """Young, still being read, and not yet read for this purpose (else: a later run)."""
        young = self._clock() - self.started < JOIN_WINDOW
        return young and self._reading > 0 and purpose not in self.purposes

    @property
    def held(self) -> list[int]:
        """The indices of the pages kept (or being fetched) for readers still to come."""
        return sorted(self._pages)

    def read(self, purpose: str) -> AsyncGenerator[list[dict], None]:
        """Every page in order; the reader counts from now, not from its first page."""
        self.purposes.add(purpose)
        self._reading += 1
        return self._follow()

    async def _follow(self) -> AsyncGenerator[list[dict], None]:
        """Each page fetched only if no reader has it (a page dropped early is fetched again)."""
        reader = next(self._readers)
        self._positions[reader] = 0
        try:
            index = 0
            while (rows := await self._page(index)) is not None:
                index += 1
                self._positions[reader] = index
                self._drop_passed()
                yield rows
        finally:
            del self._positions[reader]
            self._reading -= 1
            if not self._reading:
                self._cancel_after(-1)  # nobody will wait for a page read ahead

    async def _page(self, index: int) -> list[dict] | None:
        """Page ``index`` (None past the end), with the next ones asked for meanwhile."""
        task = self._task(index)
        if index > 0:  # page 0 alone: a list of one short page (a quiet run) costs one request
            for later in range(index + 1, index + self._ahead):
                self._task(later)
        if task is None:
            return None
        # shielded: a reader that gives up leaves the fetch to the others
        return await asyncio.shield(task)

    def _task(self, index: int) -> asyncio.Task[list[dict]] | None:
        """The fetch of page ``index``, started if no reader has it (or it failed)."""
        if self._last is not None and index > self._last:
            return None
        task = self._pages.get(index)
        if task is None or (task.done() and (task.cancelled() or task.exception())):
            task = asyncio.create_task(self._fetched(index), name=f"kros-card-page-{index}")
            task.add_done_callback(_retrieve)
            self._pages[index] = task
        return task

    async def _fetched(self, index: int) -> list[dict]:
        rows = await self._fetch(index * self._top)
        if len(rows) < self._top and (self._last is None or index < self._last):
            self._last = index
            self._cancel_after(index)
        return rows

    def _cancel_after(self, index: int) -> None:
        """Stop the fetches of pages past ``index`` (one waiting for its turn never goes)."""
        for later, task in list(self._pages.items()):
            if later > index and not task.done():
                task.cancel()
                del self._pages[later]

    def _drop_passed(self) -> None:
        """No one can join any more: forget what every reader has already had."""
        if self._clock() - self.started < JOIN_WINDOW or not self._positions:
            return
        slowest = min(self._positions.values())
        for index in [i for i in self._pages if i < slowest]:
            del self._pages[index]


class CardPasses:
    """The joinable passes of one adapter, by query; forgotten when the window closes."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._open: dict[tuple[tuple[str, str], ...], CardPass] = {}

    def read(
        self, query: dict[str, str], purpose: str, fetch: FetchPage, page_size: int
    ) -> AsyncGenerator[list[dict], None]:
        key = tuple(sorted(query.items()))
        found = self._open.get(key)
        if found is None or not found.joinable(purpose):
            found = CardPass(fetch, page_size, self._clock)
            self._open[key] = found
            self._forget_later(key, found)
        return found.read(purpose)

    def _forget_later(self, key: tuple[tuple[str, str], ...], card_pass: CardPass) -> None:
        """Drop the registry's hold on the pages when the window closes (readers keep theirs)."""

        def forget() -> None:
            if self._open.get(key) is card_pass:
                del self._open[key]

        asyncio.get_running_loop().call_later(JOIN_WINDOW, forget)
