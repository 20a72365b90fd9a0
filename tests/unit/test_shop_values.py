"""Values compared in the form the shop stores them (issue 13, endless rewrites)."""

from __future__ import annotations

import pytest

from engine.sync.shop_values import shop_name, shop_tax_class_slugs, tax_class_slug
from engine.sync.woo_index import woo_view


@pytest.mark.parametrize(
    ("ours", "stored"),
    [
        ("Tea & Honey <Bio>", "Tea & Honey"),
        ("Salt &amp; Pepper", "Salt & Pepper"),
        ("Plain", "Plain"),
    ],
)
def test_a_name_compares_as_the_shop_shows_it(ours: str, stored: str) -> None:
    assert shop_name(ours) == stored
    assert woo_view({"name": stored.replace("&", "&amp;")})["name"] == shop_name(ours)


@pytest.mark.parametrize(
    ("given", "slug"),
    [("Reduced rate", "reduced-rate"), ("zero-rate", "zero-rate"), ("standard", ""), ("", "")],
)
def test_tax_classes_are_slugged_like_the_shop(given: str, slug: str) -> None:
    assert tax_class_slug(given) == slug


def test_the_shop_list_says_standard_as_empty() -> None:
    classes = [{"slug": "standard"}, {"slug": "reduced-rate"}, {"slug": "zero-rate"}]
    assert shop_tax_class_slugs(classes) == {"", "reduced-rate", "zero-rate"}
    assert "zero_rate" not in shop_tax_class_slugs(classes)


def test_the_default_category_alone_counts_as_none() -> None:
    alone = [{"id": 15, "name": "Uncategorized", "slug": "uncategorized"}]
    assert woo_view({"categories": alone})["categories"] == []
    both = [*alone, {"id": 3, "name": "Tea", "slug": "tea"}]
    assert woo_view({"categories": both})["categories"] == [{"id": 3}, {"id": 15}]
