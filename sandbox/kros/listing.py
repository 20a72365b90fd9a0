"""Lists as KROS serves them: ``Top``/``Skip`` paging in a ``{"data": [...]}`` envelope.

``Top`` is 1–100 (default 50), ``Skip`` ≥ 0, and no total count is sent:
a client stops at a short page [contract §4].  Query names are matched
case-insensitively (ASP.NET model binding; one working client sends ``top``)
[3P, inferred].  Filters: timestamps ``YYYY-MM-DDTHH:MM:SS`` with no zone;
a change filter keeps rows changed at or after it [I: ≥ rather than >].
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request

from sandbox.kros.validation import ValidationFailed

__all__ = ["page", "query", "since"]


def query(request: Request) -> dict[str, str]:
    return {key.lower(): value for key, value in request.query_params.items()}


def _integer(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name.lower())
    try:
        value = default if raw is None else int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        message = f"'{name}' must be between {low} and {high}."
        raise ValidationFailed([{"propertyPath": name, "errorMessage": message}])
    return value


def since(params: Mapping[str, str], name: str) -> str | None:
    """A timestamp filter, checked for KROS's zone-less format."""
    raw = params.get(name.lower())
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None:
        message = f"'{raw}' is not a timestamp (YYYY-MM-DDTHH:MM:SS)."
        raise ValidationFailed([{"propertyPath": name, "errorMessage": message}])
    return parsed.isoformat(timespec="seconds")


def page(rows: list[dict[str, Any]], params: Mapping[str, str]) -> dict[str, Any]:
    top = _integer(params, "Top", 50, 1, 100)
    skip = _integer(params, "Skip", 0, 0, 10**9)
    return {"data": rows[skip : skip + top]}
