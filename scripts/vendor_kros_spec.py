"""Vendor the partial KROS OpenAPI skeleton into the repository.

Source: ``../shared/reference/kros-contract-skeleton.openapi.json`` beside the
checkout: NOT KROS's own Swagger (which could not be obtained) but an
OpenAPI 3.0.3 skeleton built only from the facts in ``kros-contract.md``,
each operation tagged with ``x-sources``.  Output:
``tests/contract/kros-contract-skeleton.openapi.json``, which is all the test
suite reads, so a plain clone passes its tests.  Copied as is (it is small
and its prose is the provenance of each fact).

    python scripts/vendor_kros_spec.py            # regenerate
    python scripts/vendor_kros_spec.py --check    # exit 1 if the vendored copy is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

try:
    from scripts.vendor_spec import CONTRACT, REFERENCE, render, run
except ModuleNotFoundError:  # run as ``python scripts/vendor_kros_spec.py``
    from vendor_spec import CONTRACT, REFERENCE, render, run  # type: ignore[no-redef]

SOURCE = REFERENCE / "kros-contract-skeleton.openapi.json"
TARGET = CONTRACT / "kros-contract-skeleton.openapi.json"


def rendered(source: Path) -> str:
    return render(json.loads(source.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    return run(argv, doc=__doc__ or "", source=SOURCE, target=TARGET, build=rendered)


if __name__ == "__main__":
    sys.exit(main())
