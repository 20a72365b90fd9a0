"""Vendor the contract facts of KORONA's OpenAPI document into the repository.

Source: ``../shared/reference/korona-openapi.json`` beside the checkout, a
copy of KORONA.cloud API v3's ``swagger.json`` (OpenAPI 3, "3.2-SNAPSHOT"),
as committed in ToucanTix/korona-cloud-client (see ``korona-api.md`` in the
same folder for its provenance).  Output: ``tests/contract/korona-openapi.json``,
which is all the test suite reads, so a plain clone passes its tests.

What is kept: paths, operations, parameters, request bodies, responses,
schemas, enums, formats, ``required`` and ``readOnly``.  What is dropped:
prose (descriptions, summaries, examples, contact/licence/tag texts).  One
fact lives only in prose and is turned into a schema keyword before the prose
goes: a path parameter described as "id of the related object (important: id
should match the uuid-format)" (or "the id of the receipt") gets
``format: uuid``, which the contract helper checks on every exchange.

    python scripts/vendor_korona_spec.py            # regenerate
    python scripts/vendor_korona_spec.py --check    # exit 1 if the vendored copy is stale
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

try:
    from scripts.vendor_spec import CONTRACT, REFERENCE, render, run, slim_spec
except ModuleNotFoundError:  # run as ``python scripts/vendor_korona_spec.py``
    from vendor_spec import CONTRACT, REFERENCE, render, run, slim_spec  # type: ignore[no-redef]

__all__ = ["main", "render", "uuid_path_parameter", "vendored"]

SOURCE = REFERENCE / "korona-openapi.json"
TARGET = CONTRACT / "korona-openapi.json"

_PROSE = frozenset(
    {"description", "summary", "example", "examples", "externalDocs", "termsOfService", "contact"}
)
_UUID_WORDING = re.compile(r"uuid-format|^the id of the ", re.IGNORECASE)


def uuid_path_parameter(parameter: dict[str, Any]) -> bool:
    """Whether the spec's prose says this path parameter must hold a uuid."""
    wording = parameter.get("description") or ""
    return parameter.get("in") == "path" and bool(_UUID_WORDING.search(wording))


def _declare_uuid_formats(spec: dict[str, Any]) -> int:
    """Add ``format: uuid`` to path parameters whose description demands a uuid."""
    declared = 0
    for item in spec["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if uuid_path_parameter(parameter):
                    parameter.setdefault("schema", {"type": "string"})["format"] = "uuid"
                    declared += 1
    return declared


def vendored(source: Path) -> dict[str, Any]:
    """The vendored document built from the full spec at ``source``."""
    raw = source.read_bytes()
    spec = json.loads(raw)
    declared = _declare_uuid_formats(spec)
    slim = slim_spec(spec, _PROSE, drop=("tags",))
    slim["x-vendored"] = {
        "from": "shared/reference/korona-openapi.json beside the checkout (KORONA.cloud API v3)",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "by": "scripts/vendor_korona_spec.py",
        "changes": f"prose dropped; format uuid declared on {declared} uuid path parameters",
    }
    return slim


def main(argv: list[str] | None = None) -> int:
    build = lambda source: render(vendored(source))  # noqa: E731
    return run(argv, doc=__doc__ or "", source=SOURCE, target=TARGET, build=build)


if __name__ == "__main__":
    sys.exit(main())
