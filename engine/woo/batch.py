"""WooCommerce batch writes with every item's outcome accounted for.

``POST /<resource>/batch`` answers 200 even when items fail; each failed item
carries its own ``error``.  This module splits requests at WooCommerce's
100-item limit (or smaller, as a :class:`BatchSizer` measures the shop's
speed: each chunk is cut when it is sent, at the size the requests so far
suggest), runs the chunks with bounded concurrency and returns one
:class:`BatchItemResult` per submitted item, in input order.  An item the
server did not answer for, or a chunk that failed as a whole, becomes a
failed result — never a silently missing one.

A chunk containing creates is not retried after an ambiguous failure (a
502 may hide created products); its items come back as transient failures
and the caller re-reads by SKU before trying again.  Update/delete-only
chunks are idempotent and retried by the transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.errors import AuthError, FailureKind, RemoteError
from engine.woo.batch_size import BatchSizer
from engine.woo.faults import item_failure_kind

__all__ = [
    "MAX_BATCH_ITEMS",
    "BatchItemResult",
    "BatchOp",
    "BatchResult",
    "plan_chunks",
    "run_batch",
]

MAX_BATCH_ITEMS = 100
BatchOp = Literal["create", "update", "delete"]
_OPS: tuple[BatchOp, ...] = ("create", "update", "delete")


@dataclass(frozen=True)
class BatchItemResult:
    """What happened to one submitted item.

    ``index`` is the item's position in the list it was submitted in (per
    op); ``id`` the created/updated/deleted WooCommerce id on success.
    """

    op: BatchOp
    index: int
    submitted: Any
    ok: bool
    id: int | None = None
    code: str | None = None
    message: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    kind: FailureKind | None = None
    item: Mapping[str, Any] = field(default_factory=dict)
    # the request got no answer at all (timeout, connection lost): the shop may
    # still be working through it
    unanswered: bool = False


@dataclass(frozen=True)
class BatchResult:
    """All item outcomes of one logical batch call, in input order per op."""

    items: tuple[BatchItemResult, ...]

    def of(self, op: BatchOp) -> list[BatchItemResult]:
        return [r for r in self.items if r.op == op]

    @property
    def created(self) -> list[BatchItemResult]:
        return self.of("create")

    @property
    def updated(self) -> list[BatchItemResult]:
        return self.of("update")

    @property
    def deleted(self) -> list[BatchItemResult]:
        return self.of("delete")

    @property
    def failed(self) -> list[BatchItemResult]:
        return [r for r in self.items if not r.ok]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.items)


@dataclass(frozen=True)
class _Entry:
    op: BatchOp
    index: int
    payload: Any


def plan_chunks(
    ops: Mapping[BatchOp, Sequence[Any]], size: int = MAX_BATCH_ITEMS
) -> list[list[_Entry]]:
    """Split create/update/delete lists into request-sized chunks, order kept."""
    entries = [_Entry(op, i, p) for op in _OPS for i, p in enumerate(ops.get(op) or ())]
    return [entries[start : start + size] for start in range(0, len(entries), size)]


def _body(chunk: Sequence[_Entry]) -> dict[str, list[Any]]:
    body: dict[str, list[Any]] = {}
    for entry in chunk:
        body.setdefault(entry.op, []).append(entry.payload)
    return body


def _item_result(entry: _Entry, item: Any) -> BatchItemResult:
    base = {"op": entry.op, "index": entry.index, "submitted": entry.payload}
    if not isinstance(item, Mapping):
        return BatchItemResult(
            **base, ok=False, code="tillsync_missing_result", kind=FailureKind.TRANSIENT,
            message="WooCommerce returned no result for this item; re-read it before retrying.",
        )  # fmt: skip
    error = item.get("error")
    if isinstance(error, Mapping):
        data = error.get("data") if isinstance(error.get("data"), Mapping) else {}
        code = None if error.get("code") is None else str(error.get("code"))
        return BatchItemResult(
            **base, ok=False, id=_int(item.get("id")), code=code, data=dict(data),
            message=str(error.get("message") or ""), kind=item_failure_kind(code, dict(data)),
            item=item,
        )  # fmt: skip
    return BatchItemResult(**base, ok=True, id=_int(item.get("id")), item=item)


def _int(value: Any) -> int | None:
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


def _chunk_results(chunk: Sequence[_Entry], response: Any) -> list[BatchItemResult]:
    answers = response if isinstance(response, Mapping) else {}
    position: dict[BatchOp, int] = dict.fromkeys(_OPS, 0)
    results = []
    for entry in chunk:
        items = answers.get(entry.op)
        i = position[entry.op]
        position[entry.op] += 1
        item = items[i] if isinstance(items, list) and i < len(items) else None
        results.append(_item_result(entry, item))
    return results


def _failed_chunk(chunk: Sequence[_Entry], error: RemoteError) -> list[BatchItemResult]:
    return [
        BatchItemResult(
            op=e.op,
            index=e.index,
            submitted=e.payload,
            ok=False,
            code=error.code,
            message=error.message,
            data=dict(error.data),
            kind=error.kind,
            unanswered=error.status is None,
        )
        for e in chunk
    ]


Send = Callable[[dict[str, list[Any]], bool], Awaitable[Any]]


async def run_batch(
    send: Send,
    ops: Mapping[BatchOp, Sequence[Any]],
    *,
    concurrency: int = 1,
    sizer: BatchSizer | None = None,
) -> BatchResult:
    """Send every chunk (at most ``concurrency`` at once) and collect all outcomes.

    ``send(body, idempotent)`` posts one chunk and returns the parsed answer.
    Without a ``sizer`` chunks hold 100 items; with one, each chunk is cut
    at the size it suggests (``send`` records the answered requests' times in
    it; a chunk without any answer halves it here).
    Credentials errors abort the whole call: no later chunk could succeed.
    """
    pending = [e for chunk in plan_chunks(ops) for e in chunk]
    results: list[BatchItemResult] = []

    def next_chunk() -> list[_Entry]:
        size = sizer.size() if sizer is not None else MAX_BATCH_ITEMS
        chunk, pending[:size] = pending[:size], []
        return chunk

    async def one(chunk: list[_Entry]) -> list[BatchItemResult]:
        idempotent = all(e.op != "create" for e in chunk)
        try:
            answer = _chunk_results(chunk, await send(_body(chunk), idempotent))
        except RemoteError as error:
            if isinstance(error, AuthError):
                raise
            answer = _failed_chunk(chunk, error)
        if sizer is not None and answer and answer[0].unanswered:
            sizer.unanswered(len(chunk))
        return answer

    async def worker() -> None:
        while chunk := next_chunk():
            results.extend(await one(chunk))

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, concurrency)):
                group.create_task(worker())
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None  # the first fatal error, others cancelled
    results.sort(key=lambda r: (_OPS.index(r.op), r.index))
    return BatchResult(tuple(results))
