"""A back office whose tax mapping must be complete before its catalog is published.

WHY: for some back offices a product with an unmapped tax code is not a lone
bad row but a sign the mapping was never done; publishing the rest would put
half a catalogue in the shop with default tax.  Such an adapter sets
``tax_mapping_required`` (``BackendBase``, default False) and the catalog job
refuses to start, naming each unmapped code, until every code it reports has
a tax class (or the ``*`` default line exists).
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.backends.base import Backend, Capability
from engine.errors import ConfigError
from engine.model import TaxCode

__all__ = ["refuse_unmapped_tax_codes", "unmapped_tax_codes"]


async def unmapped_tax_codes(backend: Backend, tax_classes: Mapping[str, str]) -> list[TaxCode]:
    """The back office's tax codes without a tax class (none when no mapping is required)."""
    if not getattr(backend, "tax_mapping_required", False):
        return []
    if Capability.TAX_CODES not in backend.capabilities or "*" in tax_classes:
        return []
    return [
        code
        async for page in backend.read_tax_codes()
        for code in page.items
        if code.id not in tax_classes
    ]


async def refuse_unmapped_tax_codes(backend: Backend, tax_classes: Mapping[str, str]) -> None:
    missing = await unmapped_tax_codes(backend, tax_classes)
    if missing:
        named = ", ".join(f"{code.id} {code.name}".strip() for code in missing)
        raise ConfigError(
            f"map every tax code of the back office to a WooCommerce tax class before "
            f"the catalog runs; not mapped: {named}",
            hint="Mappings screen (4), or `tillsync mappings import` with a [tax_class] table",
        )
