"""Receipt endpoints: POST through a coupled external POS, and the read side.

The POST answers ``[AddOrUpdateResult]`` (the spec's declared 200 schema for
``addPointOfSaleReceipts``), one result per receipt.  The two receipt
faults act *after* the receipts are committed, which is exactly the case an
idempotent client must survive: "commit then 500" answers 500, "commit
then hang" withholds the answer until the client gives up (or
``hang_seconds`` pass); "queued" answers ``QUEUED`` without an id.

The read side filters by ``orderNumber``, ``zCount``, ``pointOfSale``,
``organizationalUnit`` and the inclusive time windows ``minCreateTime`` /
``maxCreateTime`` (on ``creationTime``) and ``minBookingTime`` /
``maxBookingTime`` (on ``bookingTime``) [V]; see times.py for their format.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.faults import ReceiptFault
from sandbox.korona.gate import Handler
from sandbox.korona.listing import list_records
from sandbox.korona.routes_masterdata import not_found
from sandbox.korona.state import Record
from sandbox.korona.times import parse_time, query_time
from sandbox.korona.wire import (
    KoronaError,
    item_error,
    item_result,
    json_response,
    query_bool,
    query_int,
    read_batch,
)

__all__ = ["receipt_routes"]


async def add_receipts(kb: KoronaSandbox, request: Request) -> Response:
    coupling_id = request.query_params.get("couplingId")
    if not coupling_id:
        raise KoronaError(400, "MISSING_QUERY_PARAMETER", "couplingId is required")
    prefix = not query_bool(request, "disableReceiptNumberPrefix")
    receipts = await read_batch(request)
    results = []
    with kb.lock:
        pos = kb.points_of_sale.find(request.path_params["pointOfSaleId"])
        state = kb.points_of_sale.require_coupled(pos, coupling_id)
        fault = kb.knobs.take_receipt_fault()
        for data in receipts:
            try:
                record = kb.receipt_book.book(
                    pos, state, data, prefix=prefix, strict=kb.knobs.strict_payments
                )
            except KoronaError as error:
                results.append(item_error(data, error))
                continue
            results.append(_added(record, queued=fault is ReceiptFault.QUEUED))
            kb.stats.objects_written += 1
    if fault is ReceiptFault.COMMIT_THEN_500:
        return Response("Internal Server Error", 500, media_type="text/plain")
    if fault is ReceiptFault.COMMIT_THEN_HANG:
        await _until_client_leaves(request, kb.knobs.hang_seconds)
    return json_response(results)


def _added(record: Record, *, queued: bool) -> dict[str, object]:
    """The result of a booked receipt; a queued one has no id yet (see faults.py)."""
    if queued:
        return {"action": "QUEUED", "status": "OK", "number": record.number}
    return item_result("ADDED", record.id, record.number, record.revision)


async def _until_client_leaves(request: Request, limit: float) -> None:
    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(disconnected(), limit)


def _time_filter(request: Request, field: str, low: str, high: str) -> Callable[[Record], bool]:
    """``low <= body[field] <= high`` (both inclusive [V], either optional)."""
    start, end = query_time(request, low), query_time(request, high)

    def keep(record: Record) -> bool:
        moment = parse_time(record.body.get(field))
        if moment is None:
            return start is None and end is None
        return (start is None or start <= moment) and (end is None or moment <= end)

    return keep


def _receipt_filter(request: Request, pos_id: str | None) -> Callable[[Record], bool]:
    params = request.query_params
    order_number = params.get("orderNumber")
    zcount = query_int(request, "zCount")
    pos_id = pos_id or params.get("pointOfSale")
    unit = params.get("organizationalUnit")
    created = _time_filter(request, "creationTime", "minCreateTime", "maxCreateTime")
    booked = _time_filter(request, "bookingTime", "minBookingTime", "maxBookingTime")

    def keep(record: Record) -> bool:
        body = record.body
        return (
            (order_number is None or body.get("orderNumber") == order_number)
            and (zcount is None or body.get("zcounter") == zcount)
            and (pos_id is None or body["pointOfSale"]["id"] == pos_id)
            and (unit is None or (body.get("organizationalUnit") or {}).get("id") == unit)
            and created(record)
            and booked(record)
        )

    return keep


async def list_receipts(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        return list_records(request, kb.receipt_book.table, keep=_receipt_filter(request, None))


async def list_pos_receipts(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        pos = kb.points_of_sale.find(request.path_params["pointOfSaleId"])
        keep = _receipt_filter(request, pos.id)
        return list_records(request, kb.receipt_book.table, keep=keep)


async def get_receipt(kb: KoronaSandbox, request: Request) -> Response:
    key = request.path_params["receiptId"]
    pos_key = request.path_params.get("pointOfSaleId")
    with kb.lock:
        record = kb.receipt_book.find(key)
        if pos_key is not None and record is not None:
            pos = kb.points_of_sale.find(pos_key)
            record = record if record.body["pointOfSale"]["id"] == pos.id else None
        if record is None:
            raise not_found("receipt", key)
        return json_response(record.to_json())


def receipt_routes() -> list[tuple[str, Handler, str]]:
    pos_receipts = "/pointsOfSale/{pointOfSaleId}/receipts"
    return [
        (pos_receipts, add_receipts, "POST"),
        (pos_receipts, list_pos_receipts, "GET"),
        (pos_receipts + "/{receiptId}", get_receipt, "GET"),
        ("/receipts", list_receipts, "GET"),
        ("/receipts/{receiptId}", get_receipt, "GET"),
    ]
