"""Where KORONA insists on a uuid: path ids and every ``id`` in a request body.

The spec says of almost every path id "important: id should match the
uuid-format" [V]; the one exception the sandbox serves is
``GET /pointsOfSale/{pointOfSaleId}``, documented as "the number of the
point of sale" [V], which therefore takes a number (or an id).  In bodies,
every ``id`` property of every schema is ``format: uuid`` [V], including the
``id`` of a ``ModelReference``; a reference by number uses ``number``.

Inferred [I]: a number in a uuid path is ``400 MALFORMED_MODEL_ID_OR_NUMBER``
(the spec's 400 for a malformed id); a body ``id`` that is no uuid fails the
whole request the same way, because the server cannot read the body into its
model (the batch never reaches per-item processing).  Free-form maps
(``externalReferences``, ``customProperties``) are the client's own keys and
are not looked into.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

__all__ = ["FREE_FORM_MAPS", "first_malformed_id", "is_uuid", "path_uuid_names"]

FREE_FORM_MAPS = frozenset({"externalReferences", "customProperties"})
_NUMBER_PATH_PARAMS = {("GET", "/pointsOfSale/{pointOfSaleId}"): {"pointOfSaleId"}}
_PARAM = re.compile(r"\{([^}/]+)\}")


def is_uuid(value: object) -> bool:
    """Whether ``value`` is a uuid in text form (a number is not)."""
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def path_uuid_names(method: str, path: str) -> frozenset[str]:
    """The path parameters of this route that must hold a uuid."""
    names = set(_PARAM.findall(path)) - _NUMBER_PATH_PARAMS.get((method, path), set())
    return frozenset(names)


def first_malformed_id(data: Any, where: str = "") -> str | None:
    """The JSON path of the first ``id`` in ``data`` that is not a uuid, if any."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            found = first_malformed_id(item, f"{where}[{i}]")
            if found:
                return found
        return None
    if not isinstance(data, dict):
        return None
    if "id" in data and data["id"] is not None and not is_uuid(data["id"]):
        return f"{where}.id" if where else "id"
    for key, value in data.items():
        if key in FREE_FORM_MAPS:
            continue
        found = first_malformed_id(value, f"{where}.{key}" if where else key)
        if found:
            return found
    return None
