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

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared/reference/kros-contract-skeleton.openapi.json"
TARGET = REPO / "tests/contract/kros-contract-skeleton.openapi.json"


def rendered(source: Path) -> str:
    return json.dumps(json.loads(source.read_text(encoding="utf-8")), indent=1, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    if not SOURCE.exists():
        print(f"{SOURCE} is not present; nothing to vendor", file=sys.stderr)
        return 0 if TARGET.exists() else 1
    text = rendered(SOURCE) + "\n"
    if args.check:
        stale = not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text
        print("stale" if stale else "up to date")
        return 1 if stale else 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
