"""The product catalogue: the product table plus its number and barcode indexes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sandbox.korona.masterdata import MasterData
from sandbox.korona.products import (
    ProductRow,
    merge_fields,
    product_json,
    row_from_fields,
    writable_json,
)
from sandbox.korona.state import Table
from sandbox.korona.uuids import is_uuid
from sandbox.korona.wire import KoronaError

__all__ = ["ProductCatalog", "is_uuid"]


class ProductCatalog:
    """All products of the account, findable by id, number and barcode."""

    def __init__(self, master: MasterData) -> None:
        self.master = master
        self.table: Table[ProductRow] = Table()
        self._by_number: dict[str, str] = {}
        self._by_code: dict[str, str] = {}
        self._last_number = 0

    def __len__(self) -> int:
        return len(self.table)

    def find(self, key: str) -> ProductRow | None:
        """A product by id, or else by number (deleted products have none)."""
        row = self.table.get(key)
        if row is None and key in self._by_number:
            row = self.table.get(self._by_number[key])
        return row

    def require(self, key: str) -> ProductRow:
        row = self.find(key)
        if row is None:
            code = "MODEL_ID_NOT_FOUND" if is_uuid(key) else "NUMBER_NOT_FOUND"
            raise KoronaError(404, code, f"product {key!r} does not exist")
        return row

    def by_code(self, code: str) -> ProductRow | None:
        product_id = self._by_code.get(code)
        return self.table.get(product_id) if product_id else None

    def store(self, row: ProductRow) -> ProductRow:
        """Save a new or changed row under a new revision and re-index it."""
        old = self.table.get(row.id)
        if old is not None:
            self._unindex(old)
        self.table.put(row.id, row)
        if row.active:
            self._by_number[row.number] = row.id
            for code in row.codes:
                self._by_code[code] = row.id
        if row.number.isdigit():
            self._last_number = max(self._last_number, int(row.number))
        return row

    def _unindex(self, row: ProductRow) -> None:
        if self._by_number.get(row.number) == row.id:
            del self._by_number[row.number]
        for code in row.codes:
            if self._by_code.get(code) == row.id:
                del self._by_code[code]

    def change(self, key: str, edit: Callable[[ProductRow], None]) -> ProductRow:
        """Apply ``edit`` to a product and bump its revision, like a back-office save."""
        row = self.require(key)
        self._unindex(row)
        edit(row)
        return self.store(row)

    def write(self, item: dict[str, Any], mode: str, merge_lists: bool) -> tuple[str, ProductRow]:
        """POST semantics for one item: insert, or update/replace per ``mode``."""
        current = self._match(item)
        if current is not None and mode == "DEFAULT":
            raise KoronaError(400, "NUMBER_ALREADY_IN_USE", f"number {current.number!r} is in use")
        base = writable_json(current, self.master) if current else None
        fields = merge_fields(base, item, mode, merge_lists)
        if not fields.get("number"):
            fields["number"] = str(self._last_number + 1)
        self._check_number_free(str(fields["number"]), current)
        product_id = current.id if current else _new_id(item.get("id"))
        row = self.store(row_from_fields(product_id, fields, self.master))
        return ("UPDATED" if current else "ADDED"), row

    def patch(self, item: dict[str, Any], merge_lists: bool, key: str | None = None) -> ProductRow:
        """PATCH semantics: update the non-null fields of an existing product."""
        key = key or item.get("id") or item.get("number")
        if not key:
            raise KoronaError(400, "INVALID_MODEL_PROPERTY", "number or id is required")
        current = self.require(str(key))
        base = writable_json(current, self.master)
        fields = merge_fields(base, item, "ADD_OR_UPDATE", merge_lists)
        self._check_number_free(str(fields["number"]), current)
        return self.store(row_from_fields(current.id, fields, self.master))

    def delete(self, key: str) -> ProductRow:
        return self.change(key, _mark_deleted)

    def _match(self, item: dict[str, Any]) -> ProductRow | None:
        if item.get("id") and self.table.get(str(item["id"])):
            return self.table.get(str(item["id"]))
        if item.get("number") and str(item["number"]) in self._by_number:
            return self.find(str(item["number"]))
        return None

    def _check_number_free(self, number: str, current: ProductRow | None) -> None:
        owner = self._by_number.get(number)
        if owner is not None and (current is None or owner != current.id):
            raise KoronaError(400, "NUMBER_ALREADY_IN_USE", f"number {number!r} is in use")

    def render(self, row: ProductRow) -> dict[str, Any]:
        return product_json(row, self.master)


def _new_id(given: object) -> str:
    if given is None:
        return str(uuid.uuid4())
    if not is_uuid(str(given)):
        raise KoronaError(400, "MALFORMED_MODEL_ID_OR_NUMBER", f"id {given!r} is not a uuid")
    return str(given)


def _mark_deleted(row: ProductRow) -> None:
    row.active = False
