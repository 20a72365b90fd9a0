"""Test-mode tools: clear all (typed confirmation; links, cursors and mappings of
one connection forgotten, another connection's kept) and reset the order timestamp;
both refused outside the back office's test mode."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.backends.base import BackendBase
from engine.errors import ConfigError
from engine.runtime.test_tools import clear_all, confirmation_words, reset_order_timestamp
from engine.store import Link, MappingKind, StateStore
from engine.sync.orders.poll import ORDERS_CURSOR


class _Backend(BackendBase):
    def __init__(self, test_mode: bool) -> None:
        self._test = test_mode

    @property
    def test_mode(self) -> bool:
        return self._test


async def _filled(path: Path) -> StateStore:
    store = await StateStore.open(path)
    for connection in ("shop1", "other"):
        await store.links.upsert(Link("product", "P1", 11, "P1"), connection=connection)
        await store.links.upsert(Link("category", "C1", 12), connection=connection)
        await store.cursors.set("catalog.products", "42", connection=connection)
        await store.mappings.set(MappingKind.TAX_CLASS, "1", "", connection=connection)
    return store


async def test_clear_all_needs_the_typed_words_and_test_mode(tmp_path: Path) -> None:
    store = await _filled(tmp_path / "state.db")
    try:
        with pytest.raises(ConfigError, match="only in the back office's test mode"):
            await clear_all(store, "shop1", _Backend(False), confirmation_words("shop1"))
        with pytest.raises(ConfigError, match="type 'clear all shop1'"):
            await clear_all(store, "shop1", _Backend(True), "yes")
        assert await store.links.count(connection="shop1") == 2
        cleared = await clear_all(store, "shop1", _Backend(True), "clear all shop1")
        assert (cleared.links, cleared.cursors, cleared.mappings) == (2, 1, 1)
        assert await store.links.count(connection="shop1") == 0
        assert await store.cursors.value("catalog.products", connection="shop1") is None
        assert await store.links.count(connection="other") == 2  # another connection: kept
        assert await store.mappings.get(MappingKind.TAX_CLASS, "1", connection="other") == ""
    finally:
        await store.close()


async def test_reset_order_timestamp(tmp_path: Path) -> None:
    store = await _filled(tmp_path / "state.db")
    try:
        moment = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        with pytest.raises(ConfigError):
            await reset_order_timestamp(store, "shop1", _Backend(False), moment)
        await reset_order_timestamp(store, "shop1", _Backend(True), moment)
        stored = await store.cursors.value(ORDERS_CURSOR, connection="shop1")
        assert datetime.fromisoformat(stored) == moment
    finally:
        await store.close()
