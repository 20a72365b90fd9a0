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

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared/reference/sitoo-openapi.json"
TARGET = REPO / "tests/contract/sitoo-openapi.json"

_PROSE = frozenset({"description", "summary", "example", "examples", "externalDocs"})


def _strip(node: Any, *, names: bool = False) -> Any:
    """``node`` without prose keywords; ``names`` marks a map of property names."""
    if isinstance(node, list):
        return [_strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _strip(value, names=key == "properties" and not names)
        for key, value in node.items()
        if names or key not in _PROSE
    }


def vendored(source: Path) -> dict[str, Any]:
    raw = source.read_bytes()
    spec = json.loads(raw)
    slim = _strip({k: v for k, v in spec.items() if k not in ("tags", "info")})
    slim["info"] = {"title": spec["info"]["title"], "version": spec["info"]["version"]}
    for item in slim["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):  # path-level "parameters"
                continue
            for response in (operation.get("responses") or {}).values():
                response.setdefault("description", "")
    slim["x-vendored"] = {
        "from": "shared/reference/sitoo-openapi.json (community reconstruction)",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "by": "scripts/vendor_sitoo_spec.py",
        "changes": "prose dropped",
    }
    return slim


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source} not found: keeping {TARGET.relative_to(REPO)}", file=sys.stderr)
        return 0 if not args.check else 2
    text = render(vendored(args.source))
    if args.check:
        stale = not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text
        print("stale" if stale else "up to date")
        return int(stale)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(REPO)} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
