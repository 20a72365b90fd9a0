"""Stock adjustment endpoints (see adjustments.py for the booking rules)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.batch import run_batch
from sandbox.korona.gate import Handler
from sandbox.korona.listing import list_records
from sandbox.korona.state import Record
from sandbox.korona.wire import empty, json_response, read_batch

__all__ = ["adjustment_routes"]

ONE = "/stockAdjustments/{stockAdjustmentId}"


async def list_adjustments(kb: KoronaSandbox, request: Request) -> Response:
    status = request.query_params.get("bookingStatus")
    warehouse = request.query_params.get("warehouse")

    def keep(record: Record) -> bool:
        return status in (None, record.body["status"]) and warehouse in (
            None,
            record.body["warehouse"]["id"],
        )

    with kb.lock:
        return list_records(request, kb.adjustments.table, keep=keep)


async def get_adjustment(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        return json_response(
            kb.adjustments.find(request.path_params["stockAdjustmentId"]).to_json()
        )


async def add_adjustments(kb: KoronaSandbox, request: Request) -> Response:
    items = await read_batch(request)
    return json_response(run_batch(kb, items, kb.adjustments.create))


async def list_items(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        adjustment = kb.adjustments.find(request.path_params["stockAdjustmentId"])
        return list_records(request, kb.adjustments.items[adjustment.id])


async def add_items(kb: KoronaSandbox, request: Request) -> Response:
    items = await read_batch(request)
    with kb.lock:
        adjustment = kb.adjustments.find(request.path_params["stockAdjustmentId"])
        kb.adjustments.require_open(adjustment)
        return json_response(
            run_batch(kb, items, lambda item: kb.adjustments.add_item(adjustment, item))
        )


async def book(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        kb.adjustments.book(kb.adjustments.find(request.path_params["stockAdjustmentId"]))
    return empty()


def adjustment_routes() -> list[tuple[str, Handler, str]]:
    return [
        ("/stockAdjustments", list_adjustments, "GET"),
        ("/stockAdjustments", add_adjustments, "POST"),
        (ONE, get_adjustment, "GET"),
        (ONE + "/items", list_items, "GET"),
        (ONE + "/items", add_items, "POST"),
        (ONE + "/book", book, "PATCH"),
    ]
