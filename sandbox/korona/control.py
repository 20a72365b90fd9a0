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


class _ControlPanel:
    """The handlers of the control endpoints, bound to one sandbox."""

    def __init__(self, kb: KoronaSandbox) -> None:
        self.kb = kb

    async def stats(self, request: Request) -> Response:
        with self.kb.lock:
            return _json(self.kb.stats.snapshot())

    async def reset_stats(self, request: Request) -> Response:
        with self.kb.lock:
            self.kb.stats.reset()
            return _json(self.kb.stats.snapshot())

    async def knobs(self, request: Request) -> Response:
        try:
            changes = await _body(request) if request.method == "POST" else {}
            with self.kb.lock:
                self.kb.knobs.update(**changes)
                return _json(self.kb.knobs.to_json())
        except ValueError as error:
            return JSONResponse({"error": str(error)}, 400)

    async def product(self, request: Request) -> Response:
        number = request.path_params["number"]
        try:
            _change_product(self.kb, number, await _body(request))
            return _json(self.kb.product(number))
        except KoronaError as error:
            return error.response()
        except (ValueError, ArithmeticError) as error:
            return JSONResponse({"error": str(error)}, 400)

    async def receipts(self, request: Request) -> Response:
        return _json(self.kb.receipts(request.query_params.get("pos")))

    async def info(self, request: Request) -> Response:
        constants = {name: getattr(ids, name) for name in _ID_NAMES}
        return _json({"accountId": self.kb.account_id, "basePath": "/web/api/v3", **constants})


def control_routes(kb: KoronaSandbox) -> list[Route]:
    panel = _ControlPanel(kb)
    return [
        Route("/stats", panel.stats, methods=["GET"]),
        Route("/reset-stats", panel.reset_stats, methods=["POST"]),
        Route("/knobs", panel.knobs, methods=["GET", "POST"]),
        Route("/products/{number}", panel.product, methods=["POST"]),
        Route("/receipts", panel.receipts, methods=["GET"]),
        Route("/info", panel.info, methods=["GET"]),
    ]
