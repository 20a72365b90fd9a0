"""Mappings as a TOML file an admin can review, version and carry between installs.

::

    # tillsync mappings of connection "shop1"
    [tax_class]
    "1" = ""
    "2" = "reduced-rate"

    [payment]
    "cod" = "1"

One table per kind (:class:`~engine.store.mappings.MappingKind`), keys are
the WooCommerce-side values, values the back-office ones.  Import replaces
each kind present in the file and keeps the others, atomically; the whole
file is checked before anything is written.  Keys and values are always
quoted: tax-class slugs and POS numbers look like numbers but are text.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any

from engine.errors import ConfigError
from engine.store.mappings import MappingKind

__all__ = ["parse_mappings", "render_mappings"]


def _quoted(text: str) -> str:
    """A TOML basic string: JSON's escapes are a subset TOML accepts."""
    return json.dumps(text, ensure_ascii=False)


def render_mappings(mappings: Mapping[MappingKind, Mapping[str, str]], connection: str) -> str:
    lines = [
        f"# tillsync mappings of connection {_quoted(connection)}",
        '# [kind] tables of  "WooCommerce value" = "back-office value"; import with',
        "#   tillsync mappings import FILE   (replaces the kinds present in FILE)",
    ]
    for kind in MappingKind:
        pairs = mappings.get(kind, {})
        lines.append("")
        lines.append(f"[{kind.value}]")
        lines.extend(f"{_quoted(source)} = {_quoted(target)}" for source, target in pairs.items())
    return "\n".join(lines) + "\n"


def parse_mappings(text: str, source: str = "mappings file") -> dict[MappingKind, dict[str, str]]:
    """Parse and check a whole mappings file; nothing is half-accepted."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from None
    return {_kind(name, source): _pairs(name, table, source) for name, table in data.items()}


def _kind(name: str, source: str) -> MappingKind:
    try:
        return MappingKind(name)
    except ValueError:
        kinds = ", ".join(k.value for k in MappingKind)
        raise ConfigError(f"{source}: [{name}] is not a mapping kind; kinds are {kinds}") from None


def _pairs(name: str, table: Any, source: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: {name} must be a table like [{name}]")
    for key, value in table.items():
        if not isinstance(value, str):
            raise ConfigError(
                f"{source}: {name}.{key} must be text in quotes",
                hint=f'write it as "{key}" = "{value}"',
            )
    return dict(table)
