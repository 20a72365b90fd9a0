"""Points of sale and the coupling rules of external POS devices.

Receipts can only be posted through an *external* POS that a device has
coupled with a ``couplingId`` [V].  Inferred details [I]:

* External types are ``EXTERNAL``, ``EXTERNAL_WEBSHOP`` and ``WEBSHOP``;
  anything else is refused with ``403 POINT_OF_SALE_NOT_EXTERNAL``.
* Coupling: ``PATCH /pointsOfSale/{id}`` with body ``{"couplingId": X}``
  (or ``?couplingId=X`` when uncoupled).  Re-coupling with the same id is a
  no-op; once coupled, a change or ``decouple=true`` needs the current id in
  ``?couplingId=``, otherwise ``403 POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE``.
* Receipts default to ``receiptNumberPrefix + number`` unless
  ``disableReceiptNumberPrefix=true``; a receipt without a number gets the
  POS's next counter value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.korona.catalog import is_uuid
from sandbox.korona.masterdata import MasterData
from sandbox.korona.state import Record
from sandbox.korona.wire import KoronaError

__all__ = ["EXTERNAL_TYPES", "Coupling", "PointsOfSale"]

EXTERNAL_TYPES = frozenset({"EXTERNAL", "EXTERNAL_WEBSHOP", "WEBSHOP"})


@dataclass
class Coupling:
    """The device-side state of one POS (never rendered: couplingId is write-only)."""

    coupling_id: str | None = None
    last_receipt_number: int = 0
    last_zcount: int = 1


class PointsOfSale:
    """The account's POS records plus their coupling state."""

    def __init__(self, master: MasterData) -> None:
        self.master = master
        self.couplings: dict[str, Coupling] = {}

    def find(self, key: str) -> Record:
        record = self.master.get("pointsOfSale", key)
        if record is None or not record.active:
            code = "MODEL_ID_NOT_FOUND" if is_uuid(key) else "NUMBER_NOT_FOUND"
            raise KoronaError(404, code, f"point of sale {key!r} does not exist")
        return record

    def coupling(self, record: Record) -> Coupling:
        return self.couplings.setdefault(record.id, Coupling())

    def require_external(self, record: Record) -> None:
        if record.body.get("type") not in EXTERNAL_TYPES:
            raise KoronaError(
                403, "POINT_OF_SALE_NOT_EXTERNAL", f"point of sale {record.number} is not external"
            )

    def couple(self, record: Record, new_id: str | None, given: str | None, decouple: bool) -> None:
        """Apply a coupling PATCH; see the module docstring for the rules."""
        self.require_external(record)
        state = self.coupling(record)
        held_by_other = state.coupling_id is not None and given != state.coupling_id
        if held_by_other and (decouple or new_id != state.coupling_id):
            raise _other_device(record)
        if decouple:
            state.coupling_id = None
        elif new_id or given:
            state.coupling_id = new_id or given
        else:
            raise KoronaError(400, "INVALID_MODEL_PROPERTY", "couplingId is required")
        self.master.touch("pointsOfSale", record)

    def require_coupled(self, record: Record, coupling_id: str | None) -> Coupling:
        """The coupling a receipt post must match, or the 403 it earns."""
        self.require_external(record)
        state = self.coupling(record)
        if state.coupling_id is None:
            raise KoronaError(
                403, "POINT_OF_SALE_NOT_COUPLED", f"point of sale {record.number} is not coupled"
            )
        if coupling_id != state.coupling_id:
            raise _other_device(record)
        return state

    def check_coupling_id(self, record: Record, coupling_id: str | None) -> None:
        """GET's optional ``couplingId`` check (only meaningful for external POS)."""
        if coupling_id is None or record.body.get("type") not in EXTERNAL_TYPES:
            return
        if self.coupling(record).coupling_id != coupling_id:
            raise _other_device(record)

    def render(self, record: Record) -> dict[str, Any]:
        body = record.to_json()
        state = self.coupling(record)
        external = record.body.get("type") in EXTERNAL_TYPES
        body["coupled"] = state.coupling_id is not None
        if external and state.coupling_id is None:
            body["lastReceiptNumber"] = str(state.last_receipt_number)
            body["lastZCount"] = state.last_zcount
        return body


def _other_device(record: Record) -> KoronaError:
    return KoronaError(
        403,
        "POINT_OF_SALE_COUPLED_WITH_OTHER_DEVICE",
        f"point of sale {record.number} is coupled with another device",
    )
