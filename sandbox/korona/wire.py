"""What KORONA's responses look like on the wire: errors, JSON, result lists.

Inferred choices ([I] in the contract summary), written down here because
the spec is silent on them:

* Page ``size`` defaults to 100 and may be at most 1000.  A size above the
  maximum is answered ``400 BATCH_SIZE_OUT_OF_RANGE`` (the only range code the
  spec has); ``size``/``page`` below 1 or not a number ``400
  INVALID_QUERY_PARAMETER``.  A page past the last one is an empty list: 204.
* ``links`` holds absolute URLs; ``previous``/``next`` are left out on the
  first/last page.
* ``sort`` takes up to 5 attribute names, ``-name`` sorts descending.
* A write batch may hold at most 1000 objects (``BATCH_SIZE_OUT_OF_RANGE``);
  an empty or non-array body is ``MISSING_MODEL``/``SUBMITTED_DATA_NOT_WELLFORMED``.
* Decimals travel as JSON numbers (shortest float text, so 19.99 stays 19.99).
* Every ``id`` in a request body must be a uuid (see uuids.py): a number is
  ``400 MALFORMED_MODEL_ID_OR_NUMBER`` for the whole request.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.uuids import first_malformed_id

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_BATCH_SIZE",
    "MAX_PAGE_SIZE",
    "KoronaError",
    "Page",
    "decimal_field",
    "dumps",
    "empty",
    "item_error",
    "item_result",
    "json_response",
    "query_bool",
    "query_int",
    "read_batch",
    "read_json",
    "read_object",
    "reference",
    "result_list",
]

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_BATCH_SIZE = 1000


class KoronaError(Exception):
    """An error answer: HTTP status plus the spec's ``{code, message}`` body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return json_response({"code": self.code, "message": self.message}, self.status)


def _number(value: object) -> float | int:
    """Decimals become JSON numbers; float's shortest repr keeps their digits."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), default=_number).encode()


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(dumps(payload), status, media_type="application/json")


def empty(status: int = 204) -> Response:
    return Response(b"", status)


def reference(id: str, number: str | None = None, name: str | None = None) -> dict[str, str]:
    """A ``ModelReference`` as KORONA sends it back: id, number and name."""
    ref = {"id": id}
    if number is not None:
        ref["number"] = number
    if name is not None:
        ref["name"] = name
    return ref


def decimal_field(value: Any, field: str) -> Decimal:
    """A JSON number (or numeric string) as Decimal; anything else is a 400."""
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise KoronaError(400, "INVALID_MODEL_PROPERTY", f"{field} must be a number") from None
    if not result.is_finite() or isinstance(value, bool):
        raise KoronaError(400, "INVALID_MODEL_PROPERTY", f"{field} must be a number")
    return result


def query_int(request: Request, name: str, default: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise KoronaError(400, "INVALID_QUERY_PARAMETER", f"{name} must be an integer") from None


def query_bool(request: Request, name: str, default: bool | None = False) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise KoronaError(400, "INVALID_QUERY_PARAMETER", f"{name} must be true or false")


class Page:
    """The ``page``/``size`` of a list request, checked against the limits."""

    def __init__(self, request: Request) -> None:
        self.number = query_int(request, "page", 1) or 0
        self.size = query_int(request, "size", DEFAULT_PAGE_SIZE) or 0
        if self.number < 1 or self.size < 1:
            raise KoronaError(400, "INVALID_QUERY_PARAMETER", "page and size must be >= 1")
        if self.size > MAX_PAGE_SIZE:
            raise KoronaError(
                400, "BATCH_SIZE_OUT_OF_RANGE", f"size must not exceed {MAX_PAGE_SIZE}"
            )
        cap = getattr(request.state, "page_cap", None)  # the page_cap knob, set by the gate
        if cap:
            self.size = min(self.size, cap)


def result_list(request: Request, rows: Sequence[Any], max_revision: int, render: Any) -> Response:
    """One page of ``rows`` in the ``ResultList`` envelope, or 204 if empty."""
    page = Page(request)
    start = (page.number - 1) * page.size
    chunk = rows[start : start + page.size]
    if not chunk:
        return empty()
    pages = math.ceil(len(rows) / page.size)
    links = {"self": str(request.url)}
    if page.number > 1:
        links["previous"] = str(request.url.include_query_params(page=page.number - 1))
    if page.number < pages:
        links["next"] = str(request.url.include_query_params(page=page.number + 1))
    body = {
        "currentPage": page.number,
        "pagesTotal": pages,
        "resultsOfPage": len(chunk),
        "resultsTotal": len(rows),
        "results": [render(row) for row in chunk],
        "links": links,
        "maxRevision": max_revision,
    }
    return json_response(body)


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise KoronaError(400, "MISSING_MODEL", "request body is missing")
    try:
        data = json.loads(raw, parse_float=Decimal)
    except ValueError:
        raise KoronaError(400, "SUBMITTED_DATA_NOT_WELLFORMED", "body is not valid JSON") from None
    malformed = first_malformed_id(data)
    if malformed:
        raise KoronaError(400, "MALFORMED_MODEL_ID_OR_NUMBER", f"{malformed} is not a uuid")
    return data


async def read_batch(request: Request) -> list[dict[str, Any]]:
    """The JSON array body of a batch write, checked for shape and size."""
    data = await read_json(request)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise KoronaError(400, "SUBMITTED_DATA_NOT_WELLFORMED", "body must be an array of objects")
    if not data:
        raise KoronaError(400, "MISSING_MODEL", "the batch is empty")
    if len(data) > MAX_BATCH_SIZE:
        raise KoronaError(
            400, "BATCH_SIZE_OUT_OF_RANGE", f"a batch may hold at most {MAX_BATCH_SIZE} objects"
        )
    return data


async def read_object(request: Request) -> dict[str, Any]:
    data = await read_json(request)
    if not isinstance(data, dict):
        raise KoronaError(400, "SUBMITTED_DATA_NOT_WELLFORMED", "body must be a JSON object")
    return data


def item_result(action: str, id: str, number: str | None, revision: int) -> dict[str, Any]:
    """One successful ``AddOrUpdateResult`` of a batch write."""
    result: dict[str, Any] = {"action": action, "status": "OK", "id": id, "revision": revision}
    if number is not None:
        result["number"] = number
    return result


def item_error(item: dict[str, Any], error: KoronaError) -> dict[str, Any]:
    """One failed ``AddOrUpdateResult``: the batch still answers 200 [V].

    The spec's result object has no ``code`` field, so the error code leads
    the message ([I]) where a client can find it.
    """
    result: dict[str, Any] = {
        "action": "NONE",
        "status": "ERROR",
        "message": f"{error.code}: {error.message}",
    }
    if isinstance(item.get("number"), str):
        result["number"] = item["number"]
    return result
