"""JSON on the control socket: values by their declared types, events, errors.

WHY pydantic's TypeAdapter: the facade's arguments and answers are already
typed (frozen dataclasses, enums, ``datetime``, ``Decimal``), so the type
hints of the function called are the schema on both sides: the console
gets back the same ``OrderDetail`` the embedded engine returns, not a dict.
A value declared ``Any`` (a job's report) travels with the name of its
concrete class, which must live in the ``engine`` package: nothing else is
ever rebuilt from what the socket says.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import logging
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, SecretStr, TypeAdapter

from engine.errors import ConfigError, FailureKind, TillsyncError
from engine.events import EngineEvent

__all__ = [
    "configured_secrets",
    "decode_error",
    "decode_event",
    "decode_value",
    "encode_error",
    "encode_event",
    "encode_value",
    "hints_of",
]

_TAG = "$type"

log = logging.getLogger(__name__)


@functools.cache
def _adapter(tp: Any) -> TypeAdapter[Any]:
    try:
        return TypeAdapter(tp)
    except Exception:  # a hint pydantic can't build a schema for travels as plain JSON
        log.warning("control: %r has no schema: it crosses the socket as plain JSON", tp)
        return TypeAdapter(Any)


def hints_of(function: Callable[..., Any]) -> dict[str, Any]:
    """Each parameter's and the return's type; ``Any`` where a hint can't be resolved."""
    try:
        return typing.get_type_hints(function)
    except Exception:  # a TYPE_CHECKING-only name: resolve what can be, one by one
        namespace = getattr(function, "__globals__", {})
        resolved: dict[str, Any] = {}
        for name, hint in inspect.get_annotations(function).items():
            try:
                resolved[name] = eval(hint, namespace) if isinstance(hint, str) else hint
            except Exception:
                resolved[name] = Any
        return resolved


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _engine_class(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not (module == "engine" or module.startswith("engine.")):
        raise ValueError(f"refusing to rebuild a {name}: not an engine type")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type):
        raise ValueError(f"{name} is not a type")
    return found


def _fallback(value: Any) -> Any:
    """What pydantic has no serializer for: a read-only mapping (``MappingProxyType``)."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} cannot cross the control socket")


def encode_value(value: Any, tp: Any = Any) -> Any:
    """A JSON-ready form of ``value`` as type ``tp`` (tagged with its class when ``Any``)."""
    if tp is Any and type(value).__module__.startswith("engine."):
        cls = type(value)
        return {
            _TAG: _class_name(cls),
            "value": _adapter(cls).dump_python(
                value, mode="json", fallback=_fallback, warnings=False
            ),
        }
    return _adapter(tp).dump_python(value, mode="json", fallback=_fallback, warnings=False)


def decode_value(data: Any, tp: Any = Any) -> Any:
    if tp is Any and isinstance(data, dict) and _TAG in data:
        return _adapter(_engine_class(data[_TAG])).validate_python(data["value"])
    return _adapter(tp).validate_python(data)


def _event_classes() -> dict[str, type[EngineEvent]]:
    found: dict[str, type[EngineEvent]] = {}
    pending = [EngineEvent]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found


def encode_event(event: EngineEvent) -> dict[str, Any]:
    cls = type(event)
    data = _adapter(cls).dump_python(event, mode="json", fallback=_fallback, warnings=False)
    return {"type": cls.__name__, "data": data}


def decode_event(data: dict[str, Any]) -> EngineEvent | None:
    """The event, or None for a type this side does not know (a newer service)."""
    cls = _event_classes().get(str(data.get("type")))
    if cls is None:
        return None
    return _adapter(cls).validate_python(data.get("data", {}))


def encode_error(error: TillsyncError) -> dict[str, Any]:
    """What the admin reads (message, hint, kind): the messages never hold secrets."""
    return {
        "type": type(error).__name__,
        "message": error.message,
        "hint": error.hint,
        "kind": error.kind.value,
    }


def decode_error(data: dict[str, Any]) -> TillsyncError:
    message, hint = str(data.get("message", "")), data.get("hint")
    if data.get("type") == ConfigError.__name__ or data.get("kind") == FailureKind.CONFIG.value:
        return ConfigError(message, hint=hint)  # what the admin must fix, whatever its class
    error = TillsyncError(message, hint=hint)
    with contextlib.suppress(ValueError):
        error.kind = FailureKind(data.get("kind"))
    return error


def configured_secrets(value: Any) -> list[str]:
    """Every SecretStr value (4 characters or more) in a configuration: what must never
    cross the socket (the server's last check on each answer and event)."""
    if isinstance(value, SecretStr):
        secret = value.get_secret_value()
        return [secret] if len(secret) >= 4 else []
    if isinstance(value, BaseModel):
        fields = [getattr(value, name) for name in type(value).model_fields]
        items: Any = [*fields, *(value.model_extra or {}).values()]
    elif isinstance(value, dict):
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return []
    return [secret for item in items for secret in configured_secrets(item)]
