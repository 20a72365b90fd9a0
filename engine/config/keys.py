"""The catalogue of every config key, read off the pydantic models.

Error messages use it for the example of a right value and for "did you
mean …?" on typos; a test uses it to check that the starter config explains
every key.  Names the admin chooses (connection names) appear as ``*``.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["KeyInfo", "all_keys", "key_info", "keys_under"]

KeyPath = tuple[str, ...]
_BACKEND: KeyPath = ("connections", "*", "backend")


@dataclass(frozen=True)
class KeyInfo:
    """One key: its path, an example value written as TOML, and whether it is a table."""

    path: KeyPath
    example: str | None
    table: bool


def all_keys() -> tuple[KeyInfo, ...]:
    """Every key of the configuration, tables first, in model order.

    The ``backend`` table's keys are those of every installed back office's
    settings model (each entry declares its own), so the catalogue follows
    what is installed.
    """
    from engine.backends import available_backends

    return _all_keys(available_backends())


@cache
def _all_keys(backends: tuple[str, ...]) -> tuple[KeyInfo, ...]:
    from engine.backends import backend_entry
    from engine.config.models import TillsyncConfig

    found: dict[KeyPath, KeyInfo] = {}
    for info in _walk(TillsyncConfig, ()):
        found.setdefault(info.path, info)
    for name in backends:
        model = backend_entry(name).settings_model
        if model is not None:
            for info in _walk(model, _BACKEND):
                found.setdefault(info.path, info)
    return tuple(found.values())


def key_info(path: KeyPath) -> KeyInfo | None:
    """The key at ``path``; connection names (or any chosen name) match ``*``."""
    for info in all_keys():
        if _matches(info.path, path):
            return info
    return None


def keys_under(path: KeyPath) -> list[str]:
    """The known key names directly inside the table at ``path``."""
    depth = len(path) + 1
    return [
        info.path[-1]
        for info in all_keys()
        if len(info.path) == depth and _matches(info.path[:-1], path) and info.path[-1] != "*"
    ]


def _matches(pattern: KeyPath, path: KeyPath) -> bool:
    return len(pattern) == len(path) and all(
        p in ("*", k) for p, k in zip(pattern, path, strict=True)
    )


def _walk(model: type[BaseModel], prefix: KeyPath) -> Iterator[KeyInfo]:
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        children = list(_models_in(field.annotation))
        example = str(field.examples[0]) if field.examples else None
        yield KeyInfo(path, example, table=bool(children))
        for child, keyed in children:
            yield from _walk(child, (*path, "*") if keyed else path)


def _models_in(annotation: Any, keyed: bool = False) -> Iterator[tuple[type[BaseModel], bool]]:
    """Models reachable through Optional, unions and ``dict[str, Model]``."""
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, keyed
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from _models_in(arg, keyed)
    elif origin is dict:
        yield from _models_in(get_args(annotation)[1], keyed=True)
    elif origin is not None and hasattr(annotation, "__metadata__"):
        yield from _models_in(get_args(annotation)[0], keyed)
