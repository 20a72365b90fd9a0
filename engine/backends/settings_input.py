"""Reading an adapter's settings from what the config loader hands it.

WHY here: every adapter's frozen settings record accepts the same three
inputs (itself, a plain mapping, the validated pydantic section), refuses
unknown keys so a typo surfaces, and unwraps pydantic ``SecretStr`` values
without printing them.  Those steps were the same lines in each back office;
each now says only its name, its secret keys and how its section converts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, Protocol, Self, TypeVar

from engine.errors import ConfigError

__all__ = ["coerce_settings", "known_values", "secret_text"]

S = TypeVar("S", bound="_FromMapping")


class _FromMapping(Protocol):
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Self: ...


def secret_text(value: object) -> str:
    """Accept a plain string or a pydantic ``SecretStr`` without printing it."""
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if callable(getter) else value)


def known_values(record: type[Any], data: Mapping[str, Any], title: str) -> dict[str, Any]:
    """``data`` as a dict, after refusing keys ``record`` (a dataclass) has no field for."""
    unknown = sorted(set(data) - {f.name for f in fields(record)})
    if unknown:
        raise ConfigError(f"unknown {title} settings: {', '.join(unknown)}")
    return dict(data)


def coerce_settings(
    record: type[S], settings: object, title: str, convert: str = "model_dump"
) -> S:
    """``settings`` as ``record``: itself, a mapping, or an object whose ``convert``
    method returns one (the pydantic section's ``model_dump`` or ``adapter_settings``)."""
    if isinstance(settings, record):
        return settings
    if isinstance(settings, Mapping):
        return record.from_mapping(settings)
    method: Callable[[], Mapping[str, Any]] | None = getattr(settings, convert, None)
    if callable(method):
        return record.from_mapping(method())
    raise ConfigError(f"cannot read {title} settings from {type(settings).__name__}")
