"""Customers: POST with ``writeMode``, PATCH by number, unique numbers.

Customers match on ``id`` or ``number`` ([I]: ``externalId`` is stored but
is not a key; a client de-duplicates by listing with ``number``).  A new
customer without a number gets the next free numeric one.
"""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.korona.masterdata import MasterData
from sandbox.korona.state import Record
from sandbox.korona.wire import KoronaError

__all__ = ["CustomerBook"]

_READ_ONLY = ("id", "revision", "active", "createTime", "lastReceiptTime")


class CustomerBook:
    """Write rules for the ``customers`` table of :class:`MasterData`."""

    def __init__(self, master: MasterData) -> None:
        self.master = master

    @property
    def table(self) -> Any:
        return self.master.tables["customers"]

    def find(self, key: str) -> Record | None:
        return self.master.get("customers", key)

    def write(self, item: dict[str, Any], mode: str) -> tuple[str, Record]:
        current = self._match(item)
        body = {k: v for k, v in item.items() if k not in _READ_ONLY and k != "number"}
        if current is None:
            number = str(item.get("number") or self._next_number())
            customer_id = str(item.get("id") or uuid.uuid4())
            body["createTime"] = "2025-01-01"
            body = {k: v for k, v in body.items() if v is not None}
            return "ADDED", self.master.add("customers", customer_id, number, body)
        if mode == "DEFAULT":
            raise KoronaError(400, "NUMBER_ALREADY_IN_USE", f"number {current.number!r} is in use")
        self._apply(current, body, replace=mode == "ADD_OR_REPLACE")
        return "UPDATED", current

    def patch(self, item: dict[str, Any], key: str | None = None) -> Record:
        key = key or item.get("id") or item.get("number")
        current = self.find(str(key)) if key else None
        if current is None:
            raise KoronaError(404, "NUMBER_NOT_FOUND", f"customer {key!r} does not exist")
        body = {k: v for k, v in item.items() if k not in _READ_ONLY and k != "number"}
        self._apply(current, body, replace=False)
        return current

    def _apply(self, record: Record, body: dict[str, Any], replace: bool) -> None:
        if replace:
            keep = {"createTime": record.body.get("createTime")}
            record.body = {k: v for k, v in {**keep, **body}.items() if v is not None}
        else:
            record.body.update({k: v for k, v in body.items() if v is not None})
        self.master.touch("customers", record)

    def _match(self, item: dict[str, Any]) -> Record | None:
        for key in (item.get("id"), item.get("number")):
            found = self.find(str(key)) if key else None
            if found is not None:
                return found
        return None

    def _next_number(self) -> int:
        numbers = [int(r.number) for r in self.table if r.number and r.number.isdigit()]
        return max(numbers, default=1000) + 1
