"""Values as the shop will store them, so we compare like with like.

WooCommerce filters what it saves: a product or category name loses its HTML
tags and comes back with ``&`` as ``&amp;``; a tax class is slugged
(``Reduced rate`` -> ``reduced-rate``) and ``standard`` or an unknown class is
stored as ``""``.  Comparing what we sent with what the shop answers would
find a difference on every run and rewrite the same products forever, so
the catalog job writes (and remembers) the stored form, and checks a tax
class against the shop's own list before it is written at all.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["STANDARD_TAX_CLASS", "shop_name", "shop_tax_class_slugs", "tax_class_slug"]

STANDARD_TAX_CLASS = ""  # how a product says "standard rate"
_TAG = re.compile(r"<[^>]*>")
_NON_SLUG = re.compile(r"[^a-z0-9_-]+")


def shop_name(text: str) -> str:
    """A name as the shop shows it once stored: no tags, entities decoded, NFC."""
    return html.unescape(_TAG.sub("", unicodedata.normalize("NFC", text))).strip()


def tax_class_slug(value: str) -> str:
    """The slug WooCommerce stores for a class given by name or slug (standard -> "")."""
    text = html.unescape(value or "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"-{2,}", "-", _NON_SLUG.sub("-", text.lower())).strip("-")
    return STANDARD_TAX_CLASS if slug == "standard" else slug


def shop_tax_class_slugs(classes: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Slugs a product may carry, from ``GET /taxes/classes`` (standard as "")."""
    slugs = {tax_class_slug(str(c.get("slug") or "")) for c in classes}
    return frozenset(slugs | {STANDARD_TAX_CLASS})
