"""What every ``scripts/vendor_<name>_spec.py`` does the same way.

A vendoring script turns a reference document kept beside the checkout
(``../shared/reference/``) into the copy under ``tests/contract/`` that the
test suite reads, so a plain clone passes its tests.  The scripts differ in
what they change in the document; pruning prose, rendering and the
regenerate / ``--check`` command line are here, once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared/reference"
CONTRACT = REPO / "tests/contract"

__all__ = ["CONTRACT", "REFERENCE", "REPO", "render", "run", "slim_spec", "strip_prose"]


def strip_prose(node: Any, prose: frozenset[str], *, names: bool = False) -> Any:
    """``node`` without the ``prose`` keywords; ``names`` marks a map of property names.

    A property may be called ``description``: inside ``properties`` keys are
    names, not keywords, so they are kept.
    """
    if isinstance(node, list):
        return [strip_prose(item, prose) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: strip_prose(value, prose, names=key == "properties" and not names)
        for key, value in node.items()
        if names or key not in prose
    }


def slim_spec(spec: dict[str, Any], prose: frozenset[str], drop: Iterable[str]) -> dict[str, Any]:
    """The document without prose, the ``drop`` top-level keys and info's extras.

    ``info`` keeps only title and version.  OpenAPI requires a response
    ``description``, so an empty one stands in for the prose dropped.
    """
    dropped = frozenset(drop)
    slim = strip_prose({k: v for k, v in spec.items() if k not in dropped}, prose)
    slim["info"] = {"title": spec["info"]["title"], "version": spec["info"]["version"]}
    for item in slim["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):  # path-level "parameters"
                continue
            for response in (operation.get("responses") or {}).values():
                response.setdefault("description", "")
    return slim


def render(spec: dict[str, Any]) -> str:
    """The vendored file's text: stable, diff-friendly JSON."""
    return json.dumps(spec, indent=1, ensure_ascii=False) + "\n"


def run(
    argv: list[str] | None,
    *,
    doc: str,
    source: Path,
    target: Path,
    build: Callable[[Path], str],
) -> int:
    """Regenerate ``target`` from ``source`` with ``build``, or with ``--check`` compare only.

    Without the reference folder the committed copy is kept (exit 0), and
    ``--check`` exits 2 as it cannot tell; stale is exit 1.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--source", type=Path, default=source)
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source} not found: keeping {target.relative_to(REPO)}", file=sys.stderr)
        return 0 if not args.check else 2
    text = build(args.source)
    if args.check:
        stale = not target.exists() or target.read_text(encoding="utf-8") != text
        print("stale" if stale else "up to date")
        return int(stale)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(REPO)} ({len(text):,} bytes)")
    return 0
