"""Sitoo's wire conventions as the sandbox enforces them.

From the reference (``sitoo-api.md`` §2, §9 and the OpenAPI reconstruction):
money is a string with two decimals ("12.50"), decimal quantities a string
with three ("4.000"), dates integer unix seconds [V].  Lists are
``{"totalcount": N, "items": [...]}`` paged by ``start`` (0-based) and
``num`` (default 10) [V]; the largest ``num`` is not documented, so the
sandbox serves at most ``page_cap`` rows a page whatever was asked [I] and
a client must page by ``totalcount``, never stop on a short page.
Errors carry the only error schema the spec has, ``Error-read``
``{"statuscode", "errortext"}`` [V schema, I that every error uses it].
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = [
    "MONEY",
    "SKU",
    "SitooError",
    "decimal3",
    "envelope",
    "json_body",
    "money",
    "ok",
    "query_int",
    "query_list",
    "require_money",
]

MONEY = re.compile(r"-?\d{1,12}\.\d{2}")
DECIMAL3 = re.compile(r"-?\d{1,12}(\.\d{1,3})?")
SKU = re.compile(r"[A-Za-z0-9_+\-/]{1,100}")
DEFAULT_NUM = 10


class SitooError(Exception):
    """An API refusal, answered as ``Error-read``."""

    def __init__(self, status: int, text: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
        self.headers = dict(headers or {})

    def response(self) -> Response:
        body = {"statuscode": self.status, "errortext": self.text}
        return JSONResponse(body, self.status, headers=self.headers)


def ok(value: Any) -> Response:
    return JSONResponse(value)


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def decimal3(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.001'))}"


def require_money(value: Any, field: str) -> Decimal:
    """A money string as Sitoo writes it; "12,50", 12.5 or "12.5" are refused."""
    if not isinstance(value, str) or not MONEY.fullmatch(value):
        raise SitooError(400, f"{field}: invalid money value {str(value)[:30]!r}")
    return Decimal(value)


def require_decimal(value: Any, field: str) -> Decimal:
    if not isinstance(value, str) or not DECIMAL3.fullmatch(value):
        raise SitooError(400, f"{field}: invalid decimal value {str(value)[:30]!r}")
    return Decimal(value)


async def json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError:
        raise SitooError(400, "invalid JSON syntax") from None


def query_int(request: Request, name: str, default: int | None = None) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SitooError(400, f"{name}: not an integer") from None


def query_list(request: Request, name: str) -> list[str]:
    """A comma list (``explode: false``), also accepting the parameter repeated."""
    values = request.query_params.getlist(name)
    return [part for value in values for part in value.split(",") if part]


def envelope(
    request: Request,
    rows: Iterable[dict[str, Any]],
    page_cap: int,
    shape: Callable[[dict[str, Any]], dict[str, Any]] = dict,
) -> Response:
    """One page of ``rows`` by ``start``/``num``, projected to ``fields`` when asked."""
    items = list(rows)
    start = query_int(request, "start", 0) or 0
    num = query_int(request, "num", DEFAULT_NUM)
    if start < 0 or num is None or num < 0:
        raise SitooError(400, "start and num must be non-negative")
    page = [shape(row) for row in items[start : start + min(num, page_cap)]]
    wanted = query_list(request, "fields")
    if wanted:
        page = [{k: v for k, v in row.items() if k in wanted} for row in page]
    return JSONResponse({"totalcount": len(items), "items": page})
