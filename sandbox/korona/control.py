"""Control endpoints under ``/__sandbox__/`` (no auth, not part of KORONA's API).

They let the demo and benchmarks drive a sandbox running in another
process: read counters, turn fault knobs, make back-office changes to a
product, read the receipts that arrived.  Requests here are not counted in
the stats and never see injected faults.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.korona import ids
from sandbox.korona.account import KoronaSandbox
from sandbox.korona.wire import KoronaError, dumps

__all__ = ["control_routes"]

_ID_NAMES = [name for name in ids.__all__ if name.endswith("_ID") or name.endswith("_IDS")]


def _json(payload: Any, status: int = 200) -> Response:
    return Response(dumps(payload), status, media_type="application/json")


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    data = json.loads(raw or b"{}", parse_float=Decimal)
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


def _change_product(kb: KoronaSandbox, number: str, change: dict[str, Any]) -> None:
    """Apply back-office style changes named in ``change`` (see module docstring)."""
    if "price" in change:
        kb.set_price(number, Decimal(str(change["price"])), change.get("priceGroup"))
    if "stock" in change:
        kb.set_stock(number, Decimal(str(change["stock"])), change.get("warehouse"))
    if "name" in change:
        kb.rename(number, str(change["name"]))
    if change.get("deactivate"):
        kb.deactivate(number)
    if change.get("reactivate"):
        kb.reactivate(number)
    if change.get("delete"):
        kb.delete(number)


def control_routes(kb: KoronaSandbox) -> list[Route]:
    async def stats(request: Request) -> Response:
        with kb.lock:
            return _json(kb.stats.snapshot())

    async def reset_stats(request: Request) -> Response:
        with kb.lock:
            kb.stats.reset()
            return _json(kb.stats.snapshot())

    async def knobs(request: Request) -> Response:
        try:
            changes = await _body(request) if request.method == "POST" else {}
            with kb.lock:
                kb.knobs.update(**changes)
                return _json(kb.knobs.to_json())
        except ValueError as error:
            return JSONResponse({"error": str(error)}, 400)

    async def product(request: Request) -> Response:
        number = request.path_params["number"]
        try:
            _change_product(kb, number, await _body(request))
            return _json(kb.product(number))
        except KoronaError as error:
            return error.response()
        except (ValueError, ArithmeticError) as error:
            return JSONResponse({"error": str(error)}, 400)

    async def receipts(request: Request) -> Response:
        return _json(kb.receipts(request.query_params.get("pos")))

    async def info(request: Request) -> Response:
        constants = {name: getattr(ids, name) for name in _ID_NAMES}
        return _json({"accountId": kb.account_id, "basePath": "/web/api/v3", **constants})

    return [
        Route("/stats", stats, methods=["GET"]),
        Route("/reset-stats", reset_stats, methods=["POST"]),
        Route("/knobs", knobs, methods=["GET", "POST"]),
        Route("/products/{number}", product, methods=["POST"]),
        Route("/receipts", receipts, methods=["GET"]),
        Route("/info", info, methods=["GET"]),
    ]
