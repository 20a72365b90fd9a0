"""The uuid check on path parameters that openapi-core may leave out.

KORONA's spec says in prose that most path ids must "match the uuid-format";
``scripts/vendor_korona_spec.py`` turns that into ``format: uuid`` on the
parameter.  openapi-core's own handling of path-parameter formats depends on
its version and unmarshaller, so the contract helper checks those parameters
itself: a number in ``receipts/{receiptId}`` is a contract violation on
every exchange, whichever library version runs the suite.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["UuidPathParameters", "is_uuid"]

_PARAM = re.compile(r"\{([^}/]+)\}")


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Template:
    """One path template, its matcher, and which of its parameters are uuids."""

    method: str
    pattern: re.Pattern[str]
    literal_segments: int
    uuid_names: frozenset[str]


def _compile(path: str) -> tuple[re.Pattern[str], int]:
    """A regex with one named group per ``{parameter}``, and the count of literal segments."""
    parts, literal = [], 0
    for segment in path.split("/"):
        name = _PARAM.fullmatch(segment)
        parts.append(f"(?P<{name.group(1)}>[^/]+)" if name else re.escape(segment))
        literal += 0 if name else 1
    return re.compile("^" + "/".join(parts) + "$"), literal


class UuidPathParameters:
    """Finds path parameters declared ``format: uuid`` whose value is not a uuid."""

    def __init__(self, spec: dict[str, Any], prefix: str = "") -> None:
        self._templates: list[_Template] = []
        for path, item in spec["paths"].items():
            pattern, literal = _compile(prefix + path)
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    names = frozenset(_uuid_names(operation.get("parameters", [])))
                    self._templates.append(_Template(method.upper(), pattern, literal, names))

    def problems(self, method: str, path: str) -> list[str]:
        """One line per uuid path parameter of the matching operation that holds no uuid."""
        matches = [
            (t, m) for t in self._templates if t.method == method and (m := t.pattern.match(path))
        ]
        if not matches:
            return []
        template, match = max(matches, key=lambda pair: pair[0].literal_segments)
        return [
            f"path parameter {name}={value!r} is not a uuid"
            for name in sorted(template.uuid_names)
            if not is_uuid(value := match.group(name))
        ]


def _uuid_names(parameters: list[dict[str, Any]]) -> list[str]:
    return [
        p["name"]
        for p in parameters
        if p.get("in") == "path" and (p.get("schema") or {}).get("format") == "uuid"
    ]
