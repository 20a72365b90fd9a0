"""Point-of-sale endpoints: list, get one, and coupling via PATCH.

``GET /pointsOfSale/{pointOfSaleId}`` is documented with "the number of the
point of sale" [V] and takes a number or an id; every other POS path
(PATCH, receipts) wants the uuid (uuids.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.gate import Handler
from sandbox.korona.listing import list_records
from sandbox.korona.pos import EXTERNAL_TYPES
from sandbox.korona.state import Record
from sandbox.korona.wire import empty, json_response, query_bool, read_object

__all__ = ["pos_routes"]


async def list_pos(kb: KoronaSandbox, request: Request) -> Response:
    external = query_bool(request, "external", None)
    coupled = query_bool(request, "coupled", None)
    registry = kb.points_of_sale

    def keep(record: Record) -> bool:
        is_external = record.body.get("type") in EXTERNAL_TYPES
        is_coupled = registry.coupling(record).coupling_id is not None
        return external in (None, is_external) and coupled in (None, is_coupled)

    with kb.lock:
        return list_records(request, kb.master.tables["pointsOfSale"], registry.render, keep)


async def get_pos(kb: KoronaSandbox, request: Request) -> Response:
    with kb.lock:
        record = kb.points_of_sale.find(request.path_params["pointOfSaleId"])
        kb.points_of_sale.check_coupling_id(record, request.query_params.get("couplingId"))
        return json_response(kb.points_of_sale.render(record))


async def update_pos(kb: KoronaSandbox, request: Request) -> Response:
    """Couple (body ``couplingId``) or decouple (``decouple=true``) a device."""
    body = await read_object(request)
    decouple = bool(query_bool(request, "decouple"))
    given = request.query_params.get("couplingId")
    with kb.lock:
        record = kb.points_of_sale.find(request.path_params["pointOfSaleId"])
        new_id = body.get("couplingId")
        kb.points_of_sale.couple(record, str(new_id) if new_id else None, given, decouple)
    return empty()


def pos_routes() -> list[tuple[str, Handler, str]]:
    return [
        ("/pointsOfSale", list_pos, "GET"),
        ("/pointsOfSale/{pointOfSaleId}", get_pos, "GET"),
        ("/pointsOfSale/{pointOfSaleId}", update_pos, "PATCH"),
    ]
