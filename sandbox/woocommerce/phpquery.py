"""Query strings as PHP's ``$_GET`` sees them.

WooCommerce reads its parameters (and signs OAuth base strings) from PHP's
parsed ``$_GET``: a repeated plain key keeps only its last value, ``key[]``
builds a list, ``key[name]`` a map, and dots/spaces in names become ``_``.
Reproducing that keeps the sandbox's OAuth check as picky as a real store.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

__all__ = ["PhpParams", "flatten", "parse_php_query"]

PhpValue = str | list[str] | dict[str, str]
PhpParams = dict[str, PhpValue]

_BRACKET = re.compile(r"^([^\[]+)\[([^\]]*)\]$")


def _php_name(name: str) -> str:
    return name.replace(".", "_").replace(" ", "_")


def parse_php_query(raw: str) -> PhpParams:
    """Parse ``raw`` (a query string or form body) with PHP semantics."""
    params: PhpParams = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        match = _BRACKET.match(key)
        if not match:
            params[_php_name(key)] = value
            continue
        base, inner = _php_name(match.group(1)), match.group(2)
        if inner == "" or inner.isdigit():
            current = params.get(base)
            target = current if isinstance(current, list) else []
            target.append(value)
            params[base] = target
        else:
            current = params.get(base)
            mapping = current if isinstance(current, dict) else {}
            mapping[inner] = value
            params[base] = mapping
    return params


def flatten(params: PhpParams) -> list[tuple[str, str]]:
    """``key[0]``/``key[name]`` pairs, as WooCommerce joins arrays in its base string."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, list):
            pairs.extend((f"{key}[{i}]", v) for i, v in enumerate(value))
        elif isinstance(value, dict):
            pairs.extend((f"{key}[{k}]", v) for k, v in value.items())
        else:
            pairs.append((key, value))
    return pairs
