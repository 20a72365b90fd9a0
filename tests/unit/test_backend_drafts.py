"""The ``sales.drafts`` contract: refused by a back office without it, and the AurPOS
adapter's record of a draft names what is short (from its staff-note marker)."""

from __future__ import annotations

import pytest

from engine.backends import BackendBase, Capability, UnsupportedCapability
from engine.backends.aurpos.backend import _draft
from engine.backends.aurpos.sell_body import OUT_OF_STOCK


class _Plain(BackendBase):
    name = "plain"


async def test_a_back_office_without_drafts_refuses_both_calls() -> None:
    for call in (_Plain().list_drafts, _Plain().finalise_drafts):
        with pytest.raises(UnsupportedCapability) as info:
            await call()
        assert info.value.capability is Capability.SALES_DRAFTS


def test_an_aurpos_draft_names_the_skus_short() -> None:
    note = f"tillsync WC-1042 · {OUT_OF_STOCK} A-1, B-2 · round-off 0.01"
    row = {"id": 7, "invoice_no": "1042", "transaction_date": "2026-12-01 10:00:00",
           "final_total": "12.5000", "staff_note": note}  # fmt: skip
    draft = _draft(row)
    assert (draft.id, draft.number, draft.total) == ("7", "1042", "12.5000")
    assert draft.detail == "out of stock: A-1, B-2"
