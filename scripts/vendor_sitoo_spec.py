"""Vendor the contract facts of the Sitoo OpenAPI reconstruction into the repository.

Source: ``../shared/reference/sitoo-openapi.json`` beside the checkout, the
community reconstruction of Sitoo REST API v2 (spysystem/sitoo-client
@49c17203, tag 1.0.4.3) bundled into one OpenAPI 3.0 file; see
``sitoo-endpoints.md`` in the same folder.  Output:
``tests/contract/sitoo-openapi.json``, which is all the test suite reads.

Kept: paths, operations, parameters, request bodies, responses, schemas,
enums, formats, ``required``.  Dropped: prose (descriptions, summaries,
examples) and the info block's extras.

    python scripts/vendor_sitoo_spec.py            # regenerate
    python scripts/vendor_sitoo_spec.py --check    # exit 1 if the vendored copy is stale
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

try:
    from scripts.vendor_spec import CONTRACT, REFERENCE, render, run, slim_spec
except ModuleNotFoundError:  # run as ``python scripts/vendor_sitoo_spec.py``
    from vendor_spec import CONTRACT, REFERENCE, render, run, slim_spec  # type: ignore[no-redef]

SOURCE = REFERENCE / "sitoo-openapi.json"
TARGET = CONTRACT / "sitoo-openapi.json"

_PROSE = frozenset({"description", "summary", "example", "examples", "externalDocs"})


def vendored(source: Path) -> dict[str, Any]:
    raw = source.read_bytes()
    spec = json.loads(raw)
    slim = slim_spec(spec, _PROSE, drop=("tags", "info"))
    slim["x-vendored"] = {
        "from": "shared/reference/sitoo-openapi.json (community reconstruction)",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "by": "scripts/vendor_sitoo_spec.py",
        "changes": "prose dropped",
    }
    return slim


def main(argv: list[str] | None = None) -> int:
    build = lambda source: render(vendored(source))  # noqa: E731
    return run(argv, doc=__doc__ or "", source=SOURCE, target=TARGET, build=build)


if __name__ == "__main__":
    sys.exit(main())
