"""The catalog fields chosen for create and for update, and the description mode:
from the ``[connections.<name>.sync]`` keys to what the catalog job is handed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from engine.config.connection import SyncPreferences
from engine.runtime.connection import preferences
from engine.sync.field_choice import chosen_fields, description_names


def test_the_sync_keys_reach_the_catalog_preferences() -> None:
    sync = SyncPreferences.model_validate(
        {"description_mode": "short", "create_fields": ["name", "price"], "update_fields": []}
    )
    prefs = preferences(SimpleNamespace(sync=sync))  # type: ignore[arg-type]
    assert prefs.description_mode == "short"
    assert prefs.create_fields == {"name", "price"} and prefs.update_fields == frozenset()
    assert len(preferences(SimpleNamespace(sync=SyncPreferences())).update_fields) == 7  # type: ignore[arg-type]


def test_an_unknown_group_or_mode_is_refused() -> None:
    with pytest.raises(ValidationError, match="create_fields"):
        SyncPreferences.model_validate({"create_fields": ["colour"]})
    with pytest.raises(ValidationError, match="description_mode"):
        SyncPreferences.model_validate({"description_mode": "long"})


def test_fields_of_no_group_always_stay() -> None:
    fields = {"name": "A", "sku": "1", "regular_price": "2.00", "stock_quantity": 3, "type": "x"}
    assert chosen_fields(fields, {"price"}) == {"sku": "1", "regular_price": "2.00", "type": "x"}
    assert description_names("none") == () and description_names("full") == ("description",)
