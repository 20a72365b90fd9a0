"""Sitoo variant families as variable products.

A variant is a product of its own; ``variantparentid`` names the family's
main variant, which points at itself [V].  The family's attributes live in
``GET products/{main}/productvariants.json``: ``groups`` (name, options)
and per variant ``attributes``, the i-th value belonging to the i-th group
[V].  The WooCommerce parent needs a SKU of its own (every variant,
including the main one, is a sellable variation with its SKU), so it gets
the main variant's SKU plus ``PARENT_SUFFIX``.  A variant without a SKU is
left out with a reason; the rest of the family goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from engine.backends.sitoo.catalog import Reference, RowProblem, money_from_wire, product_from_wire
from engine.model import Money, Product, Variant

__all__ = ["PARENT_SUFFIX", "Family", "family_product", "is_variant"]

PARENT_SUFFIX = "-parent"


def is_variant(row: Mapping[str, Any]) -> bool:
    return row.get("variantparentid") not in (None, 0)


@dataclass(frozen=True)
class Family:
    """A built family and the variants left out of it, with why."""

    product: Product | None
    problems: tuple[tuple[str, str], ...] = ()


def _variant_price(row: Mapping[str, Any], ref: Reference) -> Money | None:
    if ref.prices is not None:
        raw = ref.prices.get(str(row.get("productid")))
        return None if raw is None else money_from_wire(raw, ref.currency, "price-list price")
    raw = row.get("moneyprice")
    return None if raw in (None, "") else money_from_wire(raw, ref.currency, "variant price")


def _variant(row: Mapping[str, Any], names: list[str], ref: Reference, vatid: Any) -> Variant:
    sku = str(row.get("sku") or "").strip()
    if not sku:
        raise RowProblem(f"variant {row.get('productid')} has no SKU")
    values = [str(v) for v in row.get("attributes") or ()]
    return Variant(
        id=sku,
        sku=sku,
        attributes=tuple(zip(names, values, strict=False)),
        price=ref.for_shop(_variant_price(row, ref), vatid),
        active=bool(row.get("activepos", True)),
    )


def family_product(main: Mapping[str, Any], variants: Mapping[str, Any], ref: Reference) -> Family:
    """The variable product for ``main`` (its product row) and its ``productvariants``."""
    try:
        base = product_from_wire(main, ref)
    except RowProblem as problem:
        return Family(None, ((str(main.get("sku") or main.get("productid")), str(problem)),))
    names = [str(g.get("name")) for g in variants.get("groups") or ()]
    built, problems = [], []
    for row in variants.get("variants") or ():
        try:
            built.append(_variant(row, names, ref, main.get("vatid")))
        except RowProblem as problem:
            problems.append((str(row.get("sku") or row.get("productid")), str(problem)))
    sku = f"{base.sku}{PARENT_SUFFIX}"
    product = replace(base, id=sku, sku=sku, variants=tuple(built))
    return Family(product, tuple(problems))
