"""Batch writes: the ``writeMode`` switch and per-item results.

KORONA answers a batch with 200 and one ``AddOrUpdateResult`` per object;
an object that fails does not fail the batch [V].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from sandbox.korona.account import KoronaSandbox
from sandbox.korona.wire import KoronaError, item_error, item_result, query_bool

__all__ = ["WRITE_MODES", "run_batch", "write_mode"]

WRITE_MODES = ("DEFAULT", "ADD_OR_UPDATE", "ADD_OR_REPLACE")


def write_mode(request: Request) -> str:
    mode = request.query_params.get("writeMode")
    if mode is None:
        return "ADD_OR_UPDATE" if query_bool(request, "upsert") else "DEFAULT"
    if mode not in WRITE_MODES:
        raise KoronaError(400, "INVALID_QUERY_PARAMETER", f"unknown writeMode {mode!r}")
    return mode


def run_batch(
    kb: KoronaSandbox, items: list[dict[str, Any]], apply: Callable[[dict[str, Any]], Any]
) -> list[dict[str, Any]]:
    """Apply each item; failures become per-item ERROR results, the batch stays 200."""
    results = []
    with kb.lock:
        for item in items:
            try:
                action, row = apply(item)
            except KoronaError as error:
                results.append(item_error(item, error))
                continue
            results.append(item_result(action, row.id, row.number, row.revision))
            kb.stats.objects_written += 1
    return results
