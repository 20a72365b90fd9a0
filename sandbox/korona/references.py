"""Nested references as the spec shapes them: ``ModelReference{id, number, name}``.

A reference a client sends (``customer``, ``items[].sector``, a tax payment's
``salesTax``, …) is stored and answered as a ``ModelReference`` and nothing
else [V: the schema has those three properties].  Where the sandbox holds the
object type, the reference must name an existing object by id or number and
comes back with the object's own id, number and name (``UNRESOLVED_RELATION``
otherwise, as for product references [I]); where it does not (cashiers,
customer groups), only the three reference fields are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.korona.masterdata import MasterData
from sandbox.korona.wire import KoronaError

__all__ = [
    "ITEM_REFERENCES",
    "PAYMENT_REFERENCES",
    "RECEIPT_REFERENCES",
    "REFERENCE_FIELDS",
    "TAX_REFERENCES",
    "model_reference",
    "resolve_references",
]

REFERENCE_FIELDS = ("id", "number", "name")

# property -> master-data object type, or None when the sandbox keeps no such table
RECEIPT_REFERENCES: dict[str, str | None] = {
    "customer": "customers",
    "currency": "currencies",
    "priceGroup": "priceGroups",
    "customerGroup": None,
    "cashier": None,
}
ITEM_REFERENCES: dict[str, str | None] = {
    "sector": "sectors",
    "commodityGroup": "commodityGroups",
}
TAX_REFERENCES: dict[str, str | None] = {"salesTax": "salesTaxes"}
PAYMENT_REFERENCES: dict[str, str | None] = {"currency": "currencies"}


def model_reference(ref: Any, field: str) -> dict[str, Any]:
    """``ref`` cut down to the fields a ``ModelReference`` has."""
    if not isinstance(ref, dict):
        raise KoronaError(400, "INVALID_MODEL_PROPERTY", f"{field} must be an object")
    return {key: ref[key] for key in REFERENCE_FIELDS if ref.get(key) is not None}


def resolve_references(
    master: MasterData, body: dict[str, Any], kinds: Mapping[str, str | None], where: str
) -> dict[str, Any]:
    """``body`` with each reference named in ``kinds`` resolved and reshaped."""
    resolved = dict(body)
    for key, kind in kinds.items():
        ref = body.get(key)
        if ref is None:
            continue
        field = f"{where}{key}"
        if kind is None:
            resolved[key] = model_reference(ref, field)
        else:
            resolved[key] = master.reference(kind, master.resolve(kind, ref, field))
    return resolved
