"""GET endpoints of the small master-data resources.

commodityGroups, sectors, salesTaxes, priceGroups, paymentMethods and
organizationalUnits: list (revision / includeDeleted / number / sort) and
get-one by uuid (a number in the path is refused by the gate, see uuids.py;
find an object by number with the list's ``number=`` filter).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.catalog import is_uuid
from sandbox.korona.gate import Handler
from sandbox.korona.listing import list_records
from sandbox.korona.wire import KoronaError, json_response

__all__ = ["MASTER_RESOURCES", "master_routes", "not_found"]

# URL segment -> path parameter name of the single-object endpoint
MASTER_RESOURCES = {
    "commodityGroups": "commodityGroupId",
    "sectors": "sectorId",
    "salesTaxes": "salesTaxId",
    "priceGroups": "priceGroupId",
    "paymentMethods": "paymentMethodId",
    "organizationalUnits": "organizationalUnitId",
}


def not_found(what: str, key: str) -> KoronaError:
    code = "MODEL_ID_NOT_FOUND" if is_uuid(key) else "NUMBER_NOT_FOUND"
    return KoronaError(404, code, f"{what} {key!r} does not exist")


def _list(kind: str) -> Handler:
    async def handler(kb: KoronaSandbox, request: Request) -> Response:
        with kb.lock:
            return list_records(request, kb.master.tables[kind])

    return handler


def _one(kind: str, param: str) -> Handler:
    async def handler(kb: KoronaSandbox, request: Request) -> Response:
        key = request.path_params[param]
        with kb.lock:
            record = kb.master.get(kind, key)
            if record is None:
                raise not_found(kind, key)
            return json_response(record.to_json())

    return handler


def master_routes() -> list[tuple[str, Handler, str]]:
    routes: list[tuple[str, Handler, str]] = []
    for kind, param in MASTER_RESOURCES.items():
        routes.append((f"/{kind}", _list(kind), "GET"))
        routes.append((f"/{kind}/{{{param}}}", _one(kind, param), "GET"))
    return routes
