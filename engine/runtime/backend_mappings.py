"""The Mappings screen's sections for mappings a back office declares in its entry.

WHY a module: :class:`~engine.backends.config_mapping.ConfigMapping` lets a back
office add a mapping kept in its ``backend`` settings section (an order
status → sale status table, for one); this turns each into a section the screen
shows and edits beside the others, without the core naming either.  Saved
to config.toml like the order statuses (see :mod:`.mapping_config`).
"""

from __future__ import annotations

from typing import Any

from engine.backends.config_mapping import ConfigMapping
from engine.runtime.views_mappings import Choice, MappingRow, MappingSection
from engine.store.mappings import MappingKind

__all__ = ["backend_mapping_sections"]


def _section(mapping: ConfigMapping, connection: str, configured: Any) -> MappingSection:
    options = tuple(Choice(value, label) for value, label in mapping.targets)
    current = mapping.current(configured)
    rows = tuple(
        MappingRow(source, source, options, current.get(source), required=True)
        for source in mapping.sources
    )
    return MappingSection(
        MappingKind(mapping.kind),
        mapping.title,
        f"{mapping.help} Saved to config.toml: [connections.{connection}.backend] "
        f"{mapping.key} (reopen to apply)",
        rows,
        saved_to="config",
        key=mapping.key,
    )


def backend_mapping_sections(
    mappings: tuple[ConfigMapping, ...], connection: str, settings: Any
) -> tuple[MappingSection, ...]:
    """One section per mapping the back office declares, its rows from ``settings``."""
    return tuple(_section(m, connection, getattr(settings, m.key, None)) for m in mappings)
