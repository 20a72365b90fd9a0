"""Mappings that live in config.toml: order statuses, back-office places, and the
mappings a back office keeps in its own settings section (its entry's
``config_mappings``: a table of source → target under one key).

WHY a module: the Mappings screen edits them beside the store's mappings
(taxes, payments, defaults) and saves them with the same key, but they are
settings the engine reads at start — which status books, which void, which
point of sale or warehouse.  This turns the screen's rows into the config
keys to write; :func:`~engine.runtime.views_settings.edit_config_keys`
writes them together and refuses a file tillsync would not load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import ConfigError
from engine.store.mappings import MappingKind

__all__ = ["config_mapping_edits"]

Edit = tuple[str, str, Any]


def config_mapping_edits(
    connection: str, kind: MappingKind, values: Mapping[str, str | None], key: str = ""
) -> list[Edit]:
    """The (table, key, value) edits that save one config-backed section's rows;
    ``key``: the back office's own mapping of that settings key (a whole table)."""
    if key:
        mapped = {source: target for source, target in values.items() if target}
        return [(f"connections.{connection}.backend", key, mapped)]
    if kind is MappingKind.ORDER_STATUS:
        return _status_edits(connection, values)
    if kind is MappingKind.LOCATION:
        table = f"connections.{connection}.backend"
        return [(table, key, value) for key, value in values.items() if value]
    raise ConfigError(f"{kind} mappings are kept in the state database, not config.toml")


def _status_edits(connection: str, values: Mapping[str, str | None]) -> list[Edit]:
    """One status books (``trigger_status``); the void ones reverse (``void_on``)."""
    booking = [status for status, action in values.items() if action == "book"]
    if len(booking) != 1:
        raise ConfigError(f"exactly one order status books the sale, not {len(booking)}")
    voiding = [status for status, action in values.items() if action == "void"]
    table = f"connections.{connection}.orders"
    return [(table, "trigger_status", booking[0]), (table, "void_on", voiding)]
