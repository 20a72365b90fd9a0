"""WordPress' ``_fields`` parameter: keep only the named (dotted) fields."""

from __future__ import annotations

from typing import Any

__all__ = ["filter_fields"]


def _pick(item: Any, paths: list[list[str]]) -> Any:
    if not isinstance(item, dict):
        return item
    out: dict[str, Any] = {}
    for path in paths:
        source, target = item, out
        for depth, key in enumerate(path):
            if not isinstance(source, dict) or key not in source:
                break
            if depth == len(path) - 1 or not isinstance(source[key], dict):
                target[key] = source[key]  # a list is kept whole, as WordPress does
                break
            else:
                target = target.setdefault(key, {})
                source = source[key]
    return out


def filter_fields(body: Any, fields: str | None) -> Any:
    """``_fields=id,sku,meta_data.key`` applied to one object or a list of them."""
    if not fields:
        return body
    paths = [f.strip().split(".") for f in fields.split(",") if f.strip()]
    if isinstance(body, list):
        return [_pick(item, paths) for item in body]
    return _pick(body, paths)
