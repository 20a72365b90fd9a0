"""Cursors table, mappings, settings and schedule state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.cursor import TimeCursor
from engine.store import MappingKind, StateStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[StateStore]:
    async with StateStore.open(tmp_path / "settings.db") as opened:
        yield opened


async def test_cursor_values_are_stored_per_connection(store: StateStore) -> None:
    await store.cursors.set("products", "100")
    await store.cursors.set("products", "250")
    await store.cursors.set("products", "7", connection="shop2")
    stored = await store.cursors.get("products")
    assert stored is not None and stored.value == "250" and stored.updated_at.tzinfo is not None
    assert await store.cursors.value("products", connection="shop2") == "7"
    assert [c.name for c in await store.cursors.entries()] == ["products"]
    assert await store.cursors.delete("products")
    assert await store.cursors.value("products") is None


async def test_a_cursor_advances_with_its_page_or_not_at_all(store: StateStore) -> None:
    t0 = datetime(2025, 1, 1, 12, tzinfo=UTC)
    cursor = TimeCursor.from_text(await store.cursors.value("orders"), run_started_at=t0)
    cursor.observe(t0 - timedelta(minutes=5))
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.cursors.set("orders", cursor.committable_text() or "")
            raise RuntimeError("applying the page failed")
    assert await store.cursors.value("orders") is None
    async with store.transaction():
        await store.cursors.set("orders", cursor.committable_text() or "")
    cursor.commit()
    again = TimeCursor.from_text(await store.cursors.value("orders"), run_started_at=t0)
    assert again.committed == t0 - timedelta(minutes=5, seconds=1)


async def test_mappings_get_set_delete_and_list(store: StateStore) -> None:
    await store.mappings.set(MappingKind.PAYMENT, "cod", "CASH")
    await store.mappings.set("payment", "stripe", "CARD")
    await store.mappings.set("payment", "cod", "CASH-2")
    await store.mappings.set("tax_class", "", "SECTOR-20", connection="shop2")
    assert await store.mappings.get("payment", "cod") == "CASH-2"
    assert await store.mappings.of_kind("payment") == {"cod": "CASH-2", "stripe": "CARD"}
    assert await store.mappings.get("tax_class", "") is None
    assert await store.mappings.delete("payment", "stripe")
    assert not await store.mappings.delete("payment", "stripe")
    with pytest.raises(ValueError):
        await store.mappings.set("colour", "red", "ROT")


async def test_mapping_import_replaces_given_kinds_atomically(store: StateStore) -> None:
    await store.mappings.set("payment", "cod", "CASH")
    await store.mappings.set("order_status", "completed", "BOOK")
    await store.mappings.set("location", "main", "POS-1")
    exported = await store.mappings.export_all()
    assert exported[MappingKind.PAYMENT] == {"cod": "CASH"}
    assert exported[MappingKind.CATEGORY] == {}

    with pytest.raises(ValueError):  # one bad kind: nothing is written
        await store.mappings.import_all({"payment": {"paypal": "PP"}, "colour": {"x": "y"}})
    assert await store.mappings.of_kind("payment") == {"cod": "CASH"}

    count = await store.mappings.import_all(
        {"payment": {"paypal": "PP", "bacs": "BANK"}, "order_status": {}}
    )
    assert count == 2
    assert await store.mappings.of_kind("payment") == {"bacs": "BANK", "paypal": "PP"}
    assert await store.mappings.of_kind("order_status") == {}
    assert await store.mappings.of_kind("location") == {"main": "POS-1"}  # kinds absent: kept


async def test_settings_hold_json_per_connection(store: StateStore) -> None:
    await store.settings.set("pos_device", {"id": "abc", "name": "Web shop"})
    await store.settings.set("paused", True, connection="shop2")
    assert await store.settings.get("pos_device") == {"id": "abc", "name": "Web shop"}
    assert await store.settings.get("paused") is None
    assert await store.settings.get("paused", False) is False
    assert await store.settings.get("paused", connection="shop2") is True
    assert await store.settings.all() == {"pos_device": {"id": "abc", "name": "Web shop"}}
    with pytest.raises(TypeError):
        await store.settings.set("bad", object())
    assert await store.settings.delete("pos_device")
    assert await store.settings.all() == {}


async def test_schedule_state_keeps_next_and_last_fire(store: StateStore) -> None:
    nine = datetime(2025, 1, 1, 9, tzinfo=UTC)
    await store.schedule.set_next("stock", nine)
    entry = await store.schedule.get("stock")
    assert entry is not None and (entry.next_fire_at, entry.last_fire_at) == (nine, None)
    await store.schedule.record_fire("stock", nine, nine + timedelta(minutes=15))
    await store.schedule.set_next("catalog", None, connection="shop2")
    entry = await store.schedule.get("stock")
    assert entry is not None
    assert (entry.last_fire_at, entry.next_fire_at) == (nine, nine + timedelta(minutes=15))
    await store.schedule.set_next("stock", nine + timedelta(hours=1))
    entry = await store.schedule.get("stock")
    assert entry is not None and entry.last_fire_at == nine  # kept
    assert [e.job for e in await store.schedule.entries()] == ["stock"]
    assert await store.schedule.get("catalog") is None
