"""Timestamps on the wire: ``yyyy-MM-dd'T'HH:mm:ssXXX`` [V], time filters [V].

The receipt list filters (``minCreateTime`` …) take "ISO 8601; Format:
YYYY-MM-DDTHH:MM:SS; timezone optional" [V] and are inclusive [V].  A time
without a zone is read as UTC [I: the account's zone in the real system; the
sandbox account lives in UTC].  A malformed filter is ``400
INVALID_QUERY_PARAMETER`` [I].
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request

from sandbox.korona.wire import KoronaError

__all__ = ["now_iso", "parse_time", "query_time"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(text: object) -> datetime | None:
    """An aware datetime from ISO 8601 text, or None if ``text`` is not one."""
    if not isinstance(text, str) or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def query_time(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    moment = parse_time(raw)
    if moment is None:
        raise KoronaError(400, "INVALID_QUERY_PARAMETER", f"{name} must be an ISO 8601 date-time")
    return moment
