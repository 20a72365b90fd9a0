"""The ``sales.drafts`` contract: refused by a back office without it, and the AurPOS
adapter's record of a draft names what is short (from its staff-note marker)."""

from __future__ import annotations

import pytest

from engine.backends import BackendBase, Capability, UnsupportedCapability
from engine.backends.aurpos.drafts import draft_record, shortages
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
    draft = draft_record(row)
    assert (draft.id, draft.number, draft.total) == ("7", "1042", "12.5000")
    assert draft.detail == "out of stock: A-1, B-2"


def test_an_aurpos_draft_says_what_is_short_now_or_that_stock_is_back() -> None:
    """The console shows, before "finalise", whether the POS has the stock back."""
    variation = {
        "id": 31,
        "sub_sku": "TEE-M",
        "variation_location_details": [{"location_id": 2, "qty_available": "1.0000"}],
    }
    products = {
        "5": {
            "id": 5,
            "enable_stock": 1,
            "product_variations": [{"name": "DUMMY", "variations": [variation]}],
        }
    }
    line = {"product_id": 5, "variation_id": 31, "quantity": "2.0000"}
    sell = {"id": 7, "invoice_no": "1042", "sell_lines": [line],
            "staff_note": f"tillsync WC-1042 · {OUT_OF_STOCK} TEE-M"}  # fmt: skip
    short = shortages(sell, products, "2")
    assert short == ["TEE-M 1 of 2"]
    assert draft_record(sell, short).detail == "short: TEE-M 1 of 2"
    assert draft_record(sell, short).stock_back is False
    variation["variation_location_details"][0]["qty_available"] = "2"
    assert shortages(sell, products, "2") == []
    assert draft_record(sell, []).detail == "stock back (was short: TEE-M)"
    assert draft_record(sell, []).stock_back is True
    assert draft_record(sell).stock_back is None  # the stock was not read
    assert shortages(sell, {}, "2") == ["product 5 gone"]
