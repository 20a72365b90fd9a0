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
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncGenerator, Awaitable, Callable

__all__ = ["JOIN_WINDOW", "CardPass", "CardPasses"]

JOIN_WINDOW = 3.0  # seconds after a pass starts that another reader may join it

FetchPage = Callable[[int], Awaitable[list[dict]]]  # skip -> that page's rows


class CardPass:
    """The pages of one query, fetched once, kept until every reader has them."""

    def __init__(self, fetch: FetchPage, page_size: int, clock: Callable[[], float]) -> None:
        self._fetch = fetch
        self._top = page_size
        self._clock = clock
        self.started = clock()
        self.purposes: set[str] = set()
        self._reading = 0  # readers not finished yet
        self._pages: dict[int, list[dict]] = {}
        self._last: int | None = None  # index of the short page, once seen
        self._positions: dict[int, int] = {}  # reader -> index of its next page
        self._readers = itertools.count()
        self._lock = asyncio.Lock()

    def joinable(self, purpose: str) -> bool:
        """Young, still being read, and not yet read for this purpose (else: a later run)."""
        young = self._clock() - self.started < JOIN_WINDOW
        return young and self._reading > 0 and purpose not in self.purposes

    @property
    def held(self) -> list[int]:
        """The indices of the pages kept for readers still to come."""
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

    async def _page(self, index: int) -> list[dict] | None:
        async with self._lock:
            if self._last is not None and index > self._last:
                return None
            if index not in self._pages:
                rows = await self._fetch(index * self._top)
                self._pages[index] = rows
                if len(rows) < self._top:
                    self._last = index
            return self._pages[index]

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
