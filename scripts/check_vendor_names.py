"""The core knows no vendor name: fail when one appears outside its own folder.

WHY: adding a back office must touch only its own folder (issue 15).  A
vendor's name in a core module, a console screen or even a comment is a
sign that something back-office specific lives in the core.  Allowed:
``engine/backends/<name>/`` (each back office's own package).  Every other
file under ``engine/`` and ``tui/`` is checked, comments and docstrings
included, case-insensitively.

Run ``python -m scripts.check_vendor_names`` (``make lint`` does); it prints
``path:line: name`` for each hit and exits 1 when there is any.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["VENDORS", "find_vendor_names", "main"]

VENDORS = ("korona", "kros", "sitoo", "nexopos", "aurpos")
CHECKED = ("engine", "tui")
SUFFIXES = {".py", ".tcss", ".in", ".toml", ".md", ".txt", ".json"}
_PATTERN = re.compile("|".join(VENDORS), re.IGNORECASE)


def _own_folder(path: Path, root: Path) -> bool:
    """A back office's own package may name itself (and only lives there)."""
    parts = path.relative_to(root).parts
    return len(parts) > 3 and parts[:2] == ("engine", "backends")


def _files(root: Path) -> Iterator[Path]:
    for top in CHECKED:
        for path in sorted((root / top).rglob("*")):
            wanted = path.is_file() and path.suffix in SUFFIXES
            if wanted and "__pycache__" not in path.parts and not _own_folder(path, root):
                yield path


def find_vendor_names(root: Path) -> list[str]:
    """Every ``path:line: name`` where a vendor is named outside its folder."""
    hits = []
    for path in _files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _PATTERN.finditer(line):
                hits.append(f"{path.relative_to(root)}:{number}: {match.group(0)}")
    return hits


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    hits = find_vendor_names(root)
    for hit in hits:
        print(hit)
    if hits:
        print(f"{len(hits)} vendor name(s) outside engine/backends/<name>/ (issue 15)")
    return 1 if hits else 0


if __name__ == "__main__":
    raise SystemExit(main())
