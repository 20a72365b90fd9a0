"""WordPress text helpers: ``sanitize_title`` slugs, unique per resource."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["sanitize_title", "unique_slug"]

_NON_SLUG = re.compile(r"[^a-z0-9_-]+")


def sanitize_title(text: str) -> str:
    """Lowercase ASCII with dashes, as WordPress derives a slug from a title."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)


def unique_slug(wanted: str, taken: dict[str, int], owner: int) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``… if another record holds it."""
    if taken.get(wanted, owner) == owner:
        return wanted
    index = 2
    while taken.get(f"{wanted}-{index}", owner) != owner:
        index += 1
    return f"{wanted}-{index}"
