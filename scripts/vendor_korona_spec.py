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

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared/reference/korona-openapi.json"
TARGET = REPO / "tests/contract/korona-openapi.json"

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


def _strip(node: Any, *, names: bool = False) -> Any:
    """``node`` without prose keywords; ``names`` marks a map of property names."""
    if isinstance(node, list):
        return [_strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if not names and key in _PROSE:
            continue
        kept[key] = _strip(value, names=key == "properties" and not names)
    return kept


def _keep_required_descriptions(spec: dict[str, Any]) -> None:
    """OpenAPI requires a response ``description``; an empty one says nothing."""
    for item in spec["paths"].values():
        for operation in item.values():
            for response in (operation.get("responses") or {}).values():
                response.setdefault("description", "")


def vendored(source: Path) -> dict[str, Any]:
    """The vendored document built from the full spec at ``source``."""
    raw = source.read_bytes()
    spec = json.loads(raw)
    declared = _declare_uuid_formats(spec)
    slim = _strip({k: v for k, v in spec.items() if k != "tags"})
    slim["info"] = {"title": spec["info"]["title"], "version": spec["info"]["version"]}
    _keep_required_descriptions(slim)
    slim["x-vendored"] = {
        "from": "shared/reference/korona-openapi.json beside the checkout (KORONA.cloud API v3)",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "by": "scripts/vendor_korona_spec.py",
        "changes": f"prose dropped; format uuid declared on {declared} uuid path parameters",
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
