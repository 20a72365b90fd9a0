"""Customer endpoints: list, get one, batch POST with ``writeMode``, batch PATCH."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.batch import run_batch, write_mode
from sandbox.korona.gate import Handler
from sandbox.korona.listing import list_records
from sandbox.korona.routes_masterdata import not_found
from sandbox.korona.wire import json_response, read_batch

__all__ = ["customer_routes"]


async def list_customers(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        return list_records(request, kb.customers.table)


async def get_customer(kb: KoronaSandbox, request: Request) -> Response:
    key = request.path_params["customerId"]
    with kb.lock:
        record = kb.customers.find(key)
        if record is None:
            raise not_found("customer", key)
        return json_response(record.to_json())


async def add_customers(kb: KoronaSandbox, request: Request) -> Response:
    mode = write_mode(request)
    items = await read_batch(request)
    return json_response(run_batch(kb, items, lambda item: kb.customers.write(item, mode)))


async def update_customers(kb: KoronaSandbox, request: Request) -> Response:
    items = await read_batch(request)
    return json_response(run_batch(kb, items, lambda item: ("UPDATED", kb.customers.patch(item))))


def customer_routes() -> list[tuple[str, Handler, str]]:
    return [
        ("/customers", list_customers, "GET"),
        ("/customers", add_customers, "POST"),
        ("/customers", update_customers, "PATCH"),
        ("/customers/{customerId}", get_customer, "GET"),
    ]
