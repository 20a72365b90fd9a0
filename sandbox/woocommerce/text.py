"""WordPress text helpers: ``sanitize_title`` slugs, unique per resource, and the
filter titles and term names pass through before they are stored.

A real shop stores a product or category name through ``wp_filter_kses``:
HTML tags disappear (``Tea <Bio>`` -> ``Tea``) and a bare ``&`` becomes the
entity ``&amp;``, which is what every later GET answers.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["sanitize_title", "stored_title", "unique_slug"]

_NON_SLUG = re.compile(r"[^a-z0-9_-]+")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);")
_TAG = re.compile(r"<[^>]*>")
_BARE_AMP = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def stored_title(text: str) -> str:
    """A name as WordPress stores it: tags stripped, bare ``&`` as ``&amp;``."""
    return _BARE_AMP.sub("&amp;", _TAG.sub("", text)).strip()


def sanitize_title(text: str) -> str:
    """Lowercase ASCII with dashes, as WordPress derives a slug from a title."""
    text = _ENTITY.sub("", text)  # WordPress drops entities from slugs ("A &amp; B" -> a-b)
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
