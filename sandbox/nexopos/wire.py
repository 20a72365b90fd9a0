"""NexoPOS's answers as a running 6.2.1 gives them (reference §9 and §11).

* business and validation errors: **500** ``{"status":"error","message",
  "previous"}`` - PHP's message, no ``errors`` object, no 422 [V-run];
* ``NotAllowedException``/``NotEnoughPermissionException``: **403**
  ``{"status":"error","data":[],"message"}`` [V-run for payments];
* a missing route model: **404** ``{"message":"No query results for model
  [App\\Models\\Order] 9"}`` without ``status`` [V-run];
* no token: 401 ``{"message":"Unauthenticated."}``, or a 500 HTML page when
  the client did not ask for JSON [V-run];
* the CRUD paginator: Laravel's array (``current_page``, ``data``, …) [V-run].
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

__all__ = [
    "NexoError",
    "error_500",
    "forbidden",
    "json_response",
    "model_missing",
    "paginate",
    "success",
]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, default=_default).encode()
    return Response(content, status, headers=headers, media_type="application/json")


class NexoError(Exception):
    """Raised by handlers; the gate renders it as NexoPOS would."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def error_500(message: str, request: Request | None = None) -> NexoError:
    previous = str(request.url) if request is not None else ""
    return NexoError(
        json_response({"status": "error", "message": message, "previous": previous}, 500)
    )


def forbidden(message: str) -> NexoError:
    return NexoError(json_response({"status": "error", "data": [], "message": message}, 403))


def permission_denied(permission: str) -> NexoError:
    return forbidden(f'Your don\'t have enough permission ("{permission}") to perform this action.')


def model_missing(model: str, key: object) -> NexoError:
    return NexoError(
        json_response({"message": f"No query results for model [App\\Models\\{model}] {key}"}, 404)
    )


def unauthenticated(wants_json: bool) -> Response:
    if not wants_json:
        return HTMLResponse("<!DOCTYPE html><html><body>Server Error</body></html>", 500)
    return json_response({"message": "Unauthenticated."}, 401)


def success(message: str, data: Any) -> Response:
    return json_response({"status": "success", "message": message, "data": data})


def paginate(rows: list[dict[str, Any]], request: Request, per_page_default: int = 20) -> dict:
    """Laravel's ``paginate($perPage)->toArray()`` over ``rows``."""
    try:
        per_page = int(request.query_params.get("per_page") or per_page_default)
        page = int(request.query_params.get("page") or 1)
    except ValueError:
        raise error_500("Unsupported operand types: string * int", request) from None
    per_page, page = max(per_page, 1), max(page, 1)
    total = len(rows)
    last = max(1, -(-total // per_page))
    chunk = rows[(page - 1) * per_page : page * per_page]
    path = str(request.url.replace(query=""))

    def url(n: int) -> str:
        return f"{path}?page={n}"

    return {
        "current_page": page, "data": chunk, "first_page_url": url(1),
        "from": (page - 1) * per_page + 1 if chunk else None, "last_page": last,
        "last_page_url": url(last), "links": [],
        "next_page_url": url(page + 1) if page < last else None, "path": path,
        "per_page": per_page, "prev_page_url": url(page - 1) if page > 1 else None,
        "to": (page - 1) * per_page + len(chunk) if chunk else None, "total": total,
    }  # fmt: skip


async def body_of(request: Request) -> Any:
    """The JSON body; a body that is not JSON reaches PHP as an empty array [I]."""
    raw = await request.body()
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data
