"""The KROS API routes the sandbox serves, under ``/api``.

Documented [contract §5]: ``auth/check``, ``numberingSequences``,
``catalog-items``, ``invoices`` (list, detail, POST), ``proforma-invoices``
(list).  Inferred [I]: ``warehouses`` (KROS Sklad's list; its path was not
retrieved), POST on ``proforma-invoices`` and ``received-orders`` (the
documented resource "prijaté objednávky"), and ``…/{id}/pdf`` behind
``pdfReportLink``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.kros import listing
from sandbox.kros.company import DOCUMENT_KINDS, KrosSandbox
from sandbox.kros.documents import accept_document
from sandbox.kros.validation import ValidationFailed, document_errors

__all__ = ["RouteSpec", "api_routes"]

Handler = Callable[[KrosSandbox, Request], Awaitable[Response]]
RouteSpec = tuple[str, str, Handler]


async def auth_check(kb: KrosSandbox, request: Request) -> Response:
    return Response(b"", 200)


async def sequences(kb: KrosSandbox, request: Request) -> Response:
    rows = [{k: v for k, v in s.items() if k != "lastNumber"} for s in kb.sequences]
    return JSONResponse(listing.page(rows, listing.query(request)))


async def warehouses(kb: KrosSandbox, request: Request) -> Response:
    return JSONResponse(listing.page(list(kb.warehouses), listing.query(request)))


def _item_matches(item: dict[str, Any], params: dict[str, str], changed: str | None) -> bool:
    if "itemcode" in params and item["itemCode"] != params["itemcode"]:
        return False
    if "name" in params and params["name"].lower() not in item["name"].lower():
        return False
    if params.get("onlymarkedforeshop", "").lower() == "true" and not item["markedForEshop"]:
        return False
    return changed is None or item["catalogItemChangedTimestamp"] >= changed


async def catalog_items(kb: KrosSandbox, request: Request) -> Response:
    params = listing.query(request)
    changed = listing.since(params, "CatalogItemChangedTimestamp")
    with kb.lock:
        kb.stats.catalog_queries.append(params)
        body = listing.page([i for i in kb.items if _item_matches(i, params, changed)], params)
        body["data"] = [dict(i) for i in body["data"]]  # copies of the page's cards alone
    return JSONResponse(body)


def _document_matches(doc: dict[str, Any], params: dict[str, str], changed: str | None) -> bool:
    if "ordernumber" in params and doc.get("orderNumber") != params["ordernumber"]:
        return False
    if "numberingsequence" in params and doc["numberingSequence"] != params["numberingsequence"]:
        return False
    issued = str(doc.get("issueDate") or "")[:10]  # IssueDateFrom/To: dates, inclusive [V3]
    if "issuedatefrom" in params and issued < params["issuedatefrom"][:10]:
        return False
    if "issuedateto" in params and issued > params["issuedateto"][:10]:
        return False
    return changed is None or doc["lastModifiedTimestamp"] >= changed


def _documents(kind: str) -> Handler:
    async def handler(kb: KrosSandbox, request: Request) -> Response:
        params = listing.query(request)
        changed = listing.since(params, "LastModifiedTimestamp")
        with kb.lock:
            rows = [dict(d) for d in kb.documents[kind] if _document_matches(d, params, changed)]
        return JSONResponse(listing.page(rows, params))

    return handler


def _find(kb: KrosSandbox, kind: str, request: Request) -> dict[str, Any] | None:
    raw = request.path_params["id"]
    if not raw.isdigit():
        message = f"The value '{raw}' is not valid."
        raise ValidationFailed([{"propertyPath": "id", "errorMessage": message}])
    with kb.lock:
        return next((d for d in kb.documents[kind] if d["id"] == int(raw)), None)


def _document(kind: str) -> Handler:
    async def handler(kb: KrosSandbox, request: Request) -> Response:
        found = _find(kb, kind, request)
        if found is None:
            return JSONResponse({"title": "Not Found", "status": 404}, 404)
        return JSONResponse({"data": found})

    return handler


def _pdf(kind: str) -> Handler:
    async def handler(kb: KrosSandbox, request: Request) -> Response:
        found = _find(kb, kind, request)
        if found is None:
            return JSONResponse({"title": "Not Found", "status": 404}, 404)
        body = f"%PDF-1.4\n% {found['documentNumber']}\n%%EOF\n".encode()
        return Response(body, media_type="application/pdf")

    return handler


def _create(kind: str) -> Handler:
    async def handler(kb: KrosSandbox, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        errors = document_errors(kb, kind, body)
        if errors:
            raise ValidationFailed(errors)
        base = str(request.base_url).rstrip("/")
        request_id = accept_document(kb, kind, dict(body["data"]), base)
        return JSONResponse({"requestId": request_id}, 202)

    return handler


def api_routes() -> list[RouteSpec]:
    """Every (method, path under /api, handler) the sandbox serves."""
    routes: list[RouteSpec] = [
        ("GET", "/auth/check", auth_check),
        ("GET", "/numberingSequences", sequences),
        ("GET", "/warehouses", warehouses),
        ("GET", "/catalog-items", catalog_items),
    ]
    for kind in DOCUMENT_KINDS:
        routes += [
            ("GET", f"/{kind}", _documents(kind)),
            ("POST", f"/{kind}", _create(kind)),
            ("GET", f"/{kind}/{{id}}", _document(kind)),
            ("GET", f"/{kind}/{{id}}/pdf", _pdf(kind)),
        ]
    return routes
