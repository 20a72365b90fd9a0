"""Back-office adapters behind one protocol, found by name.

Jobs and the runtime call ``create_backend(config.backend, settings)`` and
never import a vendor module, so adding KROS or Sitoo is one
``register_backend`` line here and no change to any job.  Built-in adapters
are imported lazily on first use: listing the choices in a settings screen
doesn't load every vendor's code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from engine.backends.base import (
    Backend,
    BackendBase,
    Capability,
    CheckItem,
    CheckResult,
    Cursor,
    IdempotencyKey,
    ItemResult,
    Page,
    SaleRef,
    SaleState,
    UnsupportedCapability,
)
from engine.backends.records import MissingSetting
from engine.errors import ConfigError

__all__ = [
    "Backend",
    "BackendBase",
    "BackendEntry",
    "Capability",
    "CheckItem",
    "CheckResult",
    "Cursor",
    "IdempotencyKey",
    "ItemResult",
    "MissingSetting",
    "Page",
    "SaleRef",
    "SaleState",
    "UnsupportedCapability",
    "available_backends",
    "backend_entry",
    "create_backend",
    "register_backend",
]

BackendFactory = Callable[[object], Backend]


@dataclass(frozen=True)
class BackendEntry:
    """A registered adapter: its name, a human title and how to build it."""

    name: str
    title: str
    factory: BackendFactory


_REGISTRY: dict[str, BackendEntry] = {}


def register_backend(name: str, factory: BackendFactory, *, title: str | None = None) -> None:
    """Make ``name`` available to ``create_backend``; re-registering replaces it."""
    key = name.strip().lower()
    if not key:
        raise ValueError("backend name must not be empty")
    _REGISTRY[key] = BackendEntry(key, title or name, factory)


def available_backends() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def backend_entry(name: str) -> BackendEntry:
    try:
        return _REGISTRY[name.strip().lower()]
    except KeyError:
        known = ", ".join(available_backends()) or "none"
        raise ConfigError(f"unknown back office {name!r} (known: {known})") from None


def create_backend(name: str, settings: object) -> Backend:
    """Build the adapter ``name`` from its settings (dataclass, mapping or pydantic model)."""
    return backend_entry(name).factory(settings)


def _lazy(module: str, attribute: str) -> BackendFactory:
    def factory(settings: object) -> Backend:
        return getattr(importlib.import_module(module), attribute)(settings)

    return factory


register_backend(
    "korona", _lazy("engine.backends.korona", "create_korona_backend"), title="KORONA POS"
)
