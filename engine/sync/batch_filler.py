"""Fill WooCommerce batch requests with the writes of several back-office pages.

WHY: a back office hands its products out in pages (often 100 a page), and
a page rarely holds exactly the 100 changes a batch request carries (inactive
products are not created, unchanged ones not sent).  Sent page by page, every
page cost a part-filled request: 30,000 back-office products took 300 batches
where 291 do, and a rate-limited shop charges for each (bench finding 7).
The filler gathers the writes of the pages in flight and sends a request as
soon as it is full.

A part-filled request goes out only when nothing could fill it soon:

* every page in flight waits on writes still held here and the source is not
  reading a page (it has ended, or waits for a page to finish first): the end
  of the run, and any moment the pipeline could only go on through us;
* or the oldest held write has waited ``max_wait_s``, so a slow back office
  does not hold a product back for long.

Each submitter still gets the answers to its own items, indexed as it
submitted them, so a page links, settles lost answers by SKU and commits its
cursor exactly as before: after every write of it is answered
(engine.sync.pipeline).  The pipeline tells the filler where it is through
:class:`engine.sync.pipeline.PageFlow`; without those calls (no page in
flight) every submission is sent at once, as before.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from engine.woo import BatchItemResult, BatchResult
from engine.woo.batch import MAX_BATCH_ITEMS, BatchOp

__all__ = ["MAX_WAIT_S", "BatchFiller"]

MAX_WAIT_S = 2.0  # longest a write waits for others to fill its request


@dataclass(frozen=True)
class _Held:
    op: BatchOp
    index: int  # position in its submitter's list of that op
    payload: Mapping[str, Any]
    call: int
    answer: asyncio.Future[BatchItemResult]
    since: float


class BatchFiller:
    """Product writes of many pages, sent in full requests (at most ``concurrency`` at once)."""

    def __init__(
        self,
        woo: Any,
        resource: str = "products",
        *,
        concurrency: int = 4,
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        self.woo = woo
        self.resource = resource
        self.concurrency = max(1, concurrency)
        self.max_wait_s = max_wait_s
        self._held: list[_Held] = []
        self._held_by_call: Counter[int] = Counter()
        self._calls = itertools.count()
        self._sending: set[asyncio.Task[None]] = set()
        self._open_pages = 0
        self._reading = False
        self._scheduled = False
        self._timer: asyncio.TimerHandle | None = None
        self.requests = 0  # batch requests sent (what the tests and the bench count)

    # -- what the pipeline says (engine.sync.pipeline.PageFlow) ----------------

    def reading(self, busy: bool) -> None:
        """The source is (not) fetching a page: one being fetched may fill a request."""
        self._reading = busy
        self._schedule()

    def page_started(self) -> None:
        self._open_pages += 1

    def page_finished(self) -> None:
        self._open_pages = max(0, self._open_pages - 1)
        self._schedule()

    # -- what a page does --------------------------------------------------------

    async def submit(
        self,
        *,
        create: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
    ) -> BatchResult:
        """Every item's outcome, like ``WooClient.batch``, once the request carrying it is
        answered (items of other pages may share that request)."""
        loop = asyncio.get_running_loop()
        call, now = next(self._calls), time.monotonic()
        ops: list[tuple[BatchOp, Sequence[Mapping[str, Any]]]] = [
            ("create", create),
            ("update", update),
        ]
        held = [
            _Held(op, i, payload, call, loop.create_future(), now)
            for op, items in ops
            for i, payload in enumerate(items)
        ]
        if not held:
            return BatchResult(())
        self._held.extend(held)
        self._held_by_call[call] = len(held)
        self._schedule()
        try:  # gather: a failure reaches this page once, its other answers are retrieved too
            return BatchResult(tuple(await asyncio.gather(*(h.answer for h in held))))
        finally:
            self._drop(call)

    async def aclose(self) -> None:
        """Stop the timer and wait for requests in flight (a failed run cancels them)."""
        if self._timer is not None:
            self._timer.cancel()
        for task in list(self._sending):
            task.cancel()
        await asyncio.gather(*self._sending, return_exceptions=True)

    # -- when to send --------------------------------------------------------------

    def _schedule(self) -> None:
        """Decide on the next turn of the loop, when a task woken by the same event
        (the reader taking the next page) has said so."""
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._pump)

    def _pump(self) -> None:
        self._scheduled = False
        while len(self._sending) < self.concurrency and self._held:
            size = self._size()
            if len(self._held) < size and not self._due():
                break
            chunk, self._held[:size] = self._held[:size], []
            self._held_by_call.subtract(h.call for h in chunk)
            task = asyncio.create_task(self._send(chunk))
            self._sending.add(task)
            task.add_done_callback(self._sent)
        self._arm_timer()

    def _due(self) -> bool:
        """A part-filled request may go: nothing could fill it soon, or it waited enough."""
        if time.monotonic() - self._held[0].since >= self.max_wait_s:
            return True
        blocked = sum(1 for n in self._held_by_call.values() if n > 0)
        return not self._reading and blocked >= self._open_pages

    def _arm_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._held and len(self._sending) < self.concurrency:  # else a reply wakes it
            delay = self._held[0].since + self.max_wait_s - time.monotonic()
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(0.0, delay), self._schedule)

    def _size(self) -> int:
        """The next request's size: the shop's measured pace may want fewer than 100."""
        sizer = getattr(self.woo, "batch_sizer", None)
        if sizer is None:
            return MAX_BATCH_ITEMS
        creates = any(h.op == "create" for h in self._held[:MAX_BATCH_ITEMS])
        path = self.resource.strip("/") + "/batch"
        return min(MAX_BATCH_ITEMS, sizer(path, creates=creates).size())

    # -- sending -------------------------------------------------------------------

    async def _send(self, chunk: list[_Held]) -> None:
        live = [h for h in chunk if not h.answer.done()]  # a cancelled page's writes stay unsent
        if not live:
            return
        creates = [h for h in live if h.op == "create"]
        updates = [h for h in live if h.op == "update"]
        self.requests += 1
        try:
            result = await self.woo.batch(
                self.resource,
                create=[h.payload for h in creates],
                update=[h.payload for h in updates],
            )
        except asyncio.CancelledError:
            for h in live:
                h.answer.cancel()
            raise
        except Exception as exc:  # e.g. credentials refused: every submitter hears it
            for h in live:
                if not h.answer.done():
                    h.answer.set_exception(exc)
            return
        for held, item in [
            *zip(creates, result.created, strict=True),
            *zip(updates, result.updated, strict=True),
        ]:
            if not held.answer.done():
                held.answer.set_result(replace(item, index=held.index))

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._schedule()

    def _drop(self, call: int) -> None:
        """A submitter that returned (or was cancelled) holds nothing here any more."""
        if self._held_by_call.pop(call, 0) > 0:
            self._held = [h for h in self._held if h.call != call]
        self._schedule()
