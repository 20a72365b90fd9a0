"""Argument validation the way the WordPress REST server does it.

A single request is validated against the resource schema before the
handler runs (``rest_validate_value_from_schema``): a number where a string
is expected is a 400 ``rest_invalid_param``, a numeric string where an integer
is expected is accepted and cast.  Batch items are *not* validated by
WooCommerce (``batch_items`` calls the handlers directly), so they are only
coerced leniently, PHP style: ``12.5`` becomes ``"12.5"``.  Unknown and
read-only keys are dropped silently, as WordPress ignores them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.woocommerce.errors import ParamProblem, WooError, invalid_params

__all__ = ["Field", "Schema", "coerce_body", "php_string", "validate_body", "validate_value"]


@dataclass(frozen=True)
class Field:
    """One schema property: JSON type, optional enum and nested item schema."""

    kind: str
    enum: tuple[str, ...] = ()
    nullable: bool = False
    items: Mapping[str, Field] | None = None
    props: Mapping[str, Field] | None = field(default=None)


Schema = Mapping[str, Field]

_BOOL_STRINGS = {"true": True, "false": False, "1": True, "0": False}


def php_string(value: Any) -> str:
    """How PHP turns a scalar into a string (``12.0`` -> ``"12"``, ``True`` -> ``"1"``)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, str):
        try:
            return float(value).is_integer()
        except ValueError:
            return False
    return False


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _check_type(kind: str, value: Any) -> Any:
    """Return the sanitised value, or raise ValueError when the type is wrong."""
    if kind == "string" and isinstance(value, str):
        return value
    if kind == "integer" and _is_integer(value):
        return int(float(value))
    if kind == "number" and _is_number(value):
        return float(value) if isinstance(value, str) else value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _BOOL_STRINGS:
            return _BOOL_STRINGS[value.lower()]
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
    if kind == "array":
        if isinstance(value, list):
            return value
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return [part.strip() for part in str(value).split(",") if part.strip()]
    if kind == "object" and (isinstance(value, dict) or value == []):
        return value or {}
    raise ValueError(kind)


def validate_value(path: str, spec: Field, value: Any) -> tuple[Any, ParamProblem | None]:
    """Validate one value (recursively); return (sanitised value, first problem)."""
    if value is None and spec.nullable:
        return None, None
    try:
        clean = _check_type(spec.kind, value)
    except ValueError:
        kinds = f"{spec.kind},null" if spec.nullable else spec.kind
        return value, ("rest_invalid_type", f"{path} is not of type {kinds}.")
    if spec.enum and clean not in spec.enum:
        return value, ("rest_not_in_enum", f"{path} is not one of {', '.join(spec.enum)}.")
    if spec.kind == "array" and spec.items is not None:
        return _validate_items(path, spec.items, clean)
    if spec.kind == "object" and spec.props is not None:
        return _validate_props(path, spec.props, clean)
    return clean, None


def _validate_items(path: str, item_schema: Schema, items: list) -> tuple[Any, ParamProblem | None]:
    out = []
    for index, item in enumerate(items):
        clean, problem = validate_value(
            f"{path}[{index}]", Field("object", props=item_schema), item
        )
        if problem:
            return items, problem
        out.append(clean)
    return out, None


def _validate_props(path: str, props: Schema, obj: dict) -> tuple[Any, ParamProblem | None]:
    out = dict(obj)
    for key, spec in props.items():
        if key in obj:
            clean, problem = validate_value(f"{path}[{key}]", spec, obj[key])
            if problem:
                return obj, problem
            out[key] = clean
    return out, None


def validate_body(body: Any, schema: Schema) -> dict[str, Any]:
    """Strict validation of a single request's JSON body; raises rest_invalid_param."""
    if not isinstance(body, dict):
        return {}
    clean: dict[str, Any] = {}
    problems: dict[str, ParamProblem] = {}
    for key, spec in schema.items():
        if key in body:
            value, problem = validate_value(key, spec, body[key])
            if problem:
                problems[key] = problem
            clean[key] = value
    if problems:
        raise invalid_params(problems)
    return clean


def _lenient(spec: Field, value: Any) -> Any:
    if spec.kind == "string" and not isinstance(value, str | dict | list):
        return php_string(value)
    if spec.kind == "integer" and _is_number(value):
        return int(float(value))
    if spec.kind == "boolean" and not isinstance(value, bool):
        return str(value).lower() in ("1", "true", "yes")
    return value


def coerce_body(body: Any, schema: Schema) -> dict[str, Any]:
    """Batch items: PHP-style coercion first, then the same enum/shape checks."""
    if not isinstance(body, dict):
        raise WooError("rest_invalid_param", "Invalid parameter(s): item", 400)
    lenient = {key: _lenient(spec, body[key]) for key, spec in schema.items() if key in body}
    return validate_body(lenient, schema)
