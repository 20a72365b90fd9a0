"""How the Connector answers: resource collections, paging, errors.

A list is a Laravel API-resource collection: ``{data, links, meta}`` with
``per_page`` rows (default 10, ``ApiController::$perPage``); ``per_page=-1``
answers every row as ``{data}`` alone [V].  The exact ``meta`` keys follow
Laravel's paginator [I].  Errors: ``{"error": {"message"}}`` with 400/403/404
from ``respondWithError``; Passport's 401 ``{"message": "Unauthenticated."}``;
validation 422 ``{message, errors}`` [I: Laravel defaults].  A sandbox with
``wrapped`` set answers ``{success, message, data, meta, links}`` as some
forks do [?].
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

__all__ = [
    "LOGIN_PAGE",
    "ApiError",
    "element_error",
    "error_response",
    "json_response",
    "not_found_page",
    "page_of",
    "respond",
]

DEFAULT_PER_PAGE = 10
LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Login - POS</title></head><body><form></form></body></html>"
)


class ApiError(Exception):
    """Raised by a handler; the app turns it into the Connector's error answer."""

    def __init__(self, status: int, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def json_response(body: Any, status: int = 200) -> Response:
    text = json.dumps(body, default=_default, separators=(",", ":"))
    return Response(text, status, media_type="application/json")


def respond(wrapped: bool, body: Any, status: int = 200) -> Response:
    """Plain Connector shape, or the forks' ``{success, message, data, …}`` wrapper."""
    if not wrapped:
        return json_response(body, status)
    if isinstance(body, dict) and "data" in body:
        return json_response({"success": True, "message": "", **body}, status)
    return json_response({"success": True, "message": "", "data": body}, status)


def error_response(error: ApiError) -> Response:
    if error.status == 401:
        return json_response({"message": error.message}, 401)
    if error.status == 422:
        return json_response({"message": error.message, "errors": error.errors or {}}, 422)
    return json_response({"error": {"message": error.message}}, error.status)


def element_error(message: str) -> dict[str, Any]:
    """A failed element of ``POST sell``: a serialized JsonResponse [V: path; I: shape]."""
    return {"headers": {}, "original": {"error": {"message": message}}, "exception": None}


def not_found_page() -> Response:
    """Laravel's HTML 404 for a route that does not exist (no JSON here)."""
    return HTMLResponse("<!DOCTYPE html><html><title>Not Found</title><body>404</body></html>", 404)


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a number") from None


def page_of(request: Request, rows: list[Any]) -> dict[str, Any]:
    """One page of ``rows`` as the resource collection answers it."""
    per_page = _int_param(request, "per_page", DEFAULT_PER_PAGE)
    if per_page == -1:
        return {"data": rows}
    if per_page < 1:
        per_page = DEFAULT_PER_PAGE  # Laravel's paginate() falls back [I]
    page = max(_int_param(request, "page", 1), 1)
    total = len(rows)
    last = max((total + per_page - 1) // per_page, 1)
    chunk = rows[(page - 1) * per_page : page * per_page]
    path = str(request.url.replace(query=""))

    def link(number: int) -> str:
        return f"{path}?page={number}"

    start = (page - 1) * per_page + 1 if chunk else None
    return {
        "data": chunk,
        "links": {
            "first": link(1),
            "last": link(last),
            "prev": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < last else None,
        },
        "meta": {
            "current_page": page,
            "from": start,
            "last_page": last,
            "path": path,
            "per_page": per_page,
            "to": start + len(chunk) - 1 if start else None,
            "total": total,
        },
    }
