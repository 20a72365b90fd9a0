"""Back-office adapters behind one protocol, found by name.

Jobs and the runtime call ``create_backend(config.backend.type, settings)``
and never import a vendor module.  Each back office ships a
:class:`BackendEntry` and registers it through the ``tillsync.backends``
entry point (``[project.entry-points."tillsync.backends"]`` in its
package's metadata), so a third party can ship one and adding one touches
no core file.  Entries are discovered on first use, and again when a name
is asked for that isn't known yet (a package installed since).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from importlib import metadata

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
from engine.backends.entry import BackendEntry, MappingVocabulary, Pick, SetupField
from engine.backends.records import MissingSetting
from engine.errors import ConfigError

_log = logging.getLogger(__name__)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Backend",
    "BackendBase",
    "BackendEntry",
    "Capability",
    "CheckItem",
    "CheckResult",
    "Cursor",
    "IdempotencyKey",
    "ItemResult",
    "MappingVocabulary",
    "MissingSetting",
    "Page",
    "Pick",
    "SaleRef",
    "SaleState",
    "SetupField",
    "UnsupportedCapability",
    "available_backends",
    "backend_entries",
    "backend_entry",
    "create_backend",
    "discover_backends",
    "register_backend",
    "unregister_backend",
]

BackendFactory = Callable[[object], Backend]
ENTRY_POINT_GROUP = "tillsync.backends"

_REGISTRY: dict[str, BackendEntry] = {}
_SCANNED: set[tuple[str, ...]] = set()


def register_backend(
    name: str | BackendEntry, factory: BackendFactory | None = None, *, title: str | None = None
) -> None:
    """Make an entry (or a bare ``name`` + ``factory``) available; re-registering replaces it."""
    if isinstance(name, BackendEntry):
        entry = name
    else:
        if factory is None:
            raise ValueError("a backend registered by name needs a factory")
        entry = BackendEntry(name, title or name, factory, settings_model=None)
    key = entry.name.strip().lower()
    if not key:
        raise ValueError("backend name must not be empty")
    _REGISTRY[key] = entry


def unregister_backend(name: str) -> None:
    """Forget an entry (a test's plugin, removed from ``sys.path`` again)."""
    _REGISTRY.pop(name.strip().lower(), None)


def discover_backends(*, again: bool = False) -> None:
    """Load every entry registered under the ``tillsync.backends`` entry point.

    Scans once per ``sys.path`` (a path added since, as a test or a plugin
    folder does, is scanned on the next look-up).  An entry that fails to
    load is logged and skipped: one broken plugin must not stop the others.
    """
    where = tuple(sys.path)
    if where in _SCANNED and not again:
        return
    _SCANNED.add(where)
    for point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if point.name.lower() in _REGISTRY and not again:
            continue
        try:
            entry = point.load()
        except Exception as error:  # a third-party plugin's import error
            _log.warning("back office %r could not be loaded: %s", point.name, error)
            continue
        if isinstance(entry, BackendEntry):
            _REGISTRY.setdefault(entry.name.strip().lower(), entry)
        else:
            _log.warning("back office %r is not a BackendEntry; skipped", point.name)


def available_backends() -> tuple[str, ...]:
    discover_backends()
    return tuple(sorted(_REGISTRY, key=lambda name: (_REGISTRY[name].rank, name)))


def backend_entries() -> tuple[BackendEntry, ...]:
    """Every known entry, by name."""
    return tuple(_REGISTRY[name] for name in available_backends())


def backend_entry(name: str) -> BackendEntry:
    key = name.strip().lower()
    if key not in _REGISTRY:
        discover_backends()
    try:
        return _REGISTRY[key]
    except KeyError:
        known = ", ".join(available_backends()) or "none"
        raise ConfigError(f"unknown back office {name!r} (known: {known})") from None


def create_backend(name: str, settings: object) -> Backend:
    """Build the adapter ``name`` from its settings (dataclass, mapping or pydantic model)."""
    return backend_entry(name).factory(settings)
