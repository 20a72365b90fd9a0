"""The account's master data: org units, POS, taxes, price groups, groups, …

Everything here is small (tens of rows), kept as :class:`Record` bodies in
revision-ordered tables, one per KORONA object type.  ``reference`` and
``resolve`` translate between stored ids and the ``ModelReference`` objects
the API sends and accepts (``{id}`` or ``{number}``; id wins).
"""

from __future__ import annotations

from typing import Any

from sandbox.korona.state import Record, Table
from sandbox.korona.wire import KoronaError, reference

__all__ = ["KINDS", "MasterData"]

# object type (URL segment) for every master-data table
KINDS = (
    "commodityGroups",
    "sectors",
    "salesTaxes",
    "priceGroups",
    "paymentMethods",
    "organizationalUnits",
    "pointsOfSale",
    "customers",
    "currencies",
    "economicZones",
)


class MasterData:
    """One :class:`Table` of :class:`Record` per master-data object type."""

    def __init__(self) -> None:
        self.tables: dict[str, Table[Record]] = {kind: Table() for kind in KINDS}

    def add(self, kind: str, id: str, number: str | None, body: dict[str, Any]) -> Record:
        return self.tables[kind].put(id, Record(id, number, body))

    def touch(self, kind: str, record: Record) -> None:
        """Give a changed record a new revision (moves it up the change feed)."""
        self.tables[kind].put(record.id, record)

    def get(self, kind: str, key: str) -> Record | None:
        """Look a record up by id, or else by number."""
        table = self.tables[kind]
        found = table.get(key)
        if found is not None:
            return found
        return next((r for r in table if r.number == key and r.active), None)

    def reference(self, kind: str, id: str | None) -> dict[str, str] | None:
        if id is None:
            return None
        record = self.tables[kind].get(id)
        if record is None:
            return {"id": id}
        return reference(id, record.number, record.body.get("name"))

    def resolve(self, kind: str, ref: Any, field: str) -> str | None:
        """The id a ``ModelReference`` points to; unknown → UNRESOLVED_RELATION."""
        if ref is None:
            return None
        if not isinstance(ref, dict):
            raise KoronaError(400, "INVALID_MODEL_PROPERTY", f"{field} must be an object")
        for key in (ref.get("id"), ref.get("number")):
            if key:
                found = self.get(kind, str(key))
                if found is not None:
                    return found.id
        raise KoronaError(400, "UNRESOLVED_RELATION", f"{field} {_describe(ref)} does not exist")


def _describe(ref: dict[str, Any]) -> str:
    return repr(ref.get("id") or ref.get("number") or ref.get("name") or "{}")
