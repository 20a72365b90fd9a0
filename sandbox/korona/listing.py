"""List endpoints: revision feed, includeDeleted, number and sort, then paging.

``sort`` takes at most 5 comma-separated attributes [V]; a leading ``-``
sorts descending and an unknown attribute is ``400 INVALID_QUERY_PARAMETER``
[I].  Without ``sort`` a list is in revision order (oldest change first),
which is the order a revision-cursor sync wants.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from sandbox.korona.state import Record, Table
from sandbox.korona.wire import KoronaError, query_bool, query_int, result_list

__all__ = ["RECORD_SORT_KEYS", "list_records", "parse_sort", "sort_rows"]

T = TypeVar("T")
SortKey = Callable[[Any], Any]
RECORD_SORT_KEYS: dict[str, SortKey] = {
    "revision": lambda r: r.revision,
    "number": lambda r: r.number or "",
    "name": lambda r: r.body.get("name") or "",
    "id": lambda r: r.id,
}


def parse_sort(request: Request, keys: dict[str, SortKey]) -> tuple[str, ...]:
    raw = request.query_params.get("sort") or ""
    fields = tuple(f.strip() for f in raw.split(",") if f.strip())
    if len(fields) > 5:
        raise KoronaError(400, "INVALID_QUERY_PARAMETER", "sort takes at most 5 attributes")
    unknown = [f for f in fields if f.lstrip("-") not in keys]
    if unknown:
        raise KoronaError(400, "INVALID_QUERY_PARAMETER", f"cannot sort by {unknown[0]!r}")
    return fields


def sort_rows(rows: list[T], fields: Sequence[str], keys: dict[str, SortKey]) -> list[T]:
    """Stable multi-key sort: apply the least significant key first."""
    for field in reversed(fields):
        rows.sort(key=keys[field.lstrip("-")], reverse=field.startswith("-"))
    return rows


def list_records(
    request: Request,
    table: Table[Record],
    render: Callable[[Record], dict[str, Any]] = Record.to_json,
    keep: Callable[[Record], bool] | None = None,
) -> Response:
    """The common list endpoint of a master-data resource."""
    sort = parse_sort(request, RECORD_SORT_KEYS)
    revision = query_int(request, "revision")
    include_deleted = query_bool(request, "includeDeleted")
    number = request.query_params.get("number")
    rows = table.since(revision) if revision is not None else list(table)
    rows = [
        r
        for r in rows
        if (include_deleted or r.active)
        and (number is None or r.number == number)
        and (keep is None or keep(r))
    ]
    return result_list(request, sort_rows(rows, sort, RECORD_SORT_KEYS), table.max_revision, render)
