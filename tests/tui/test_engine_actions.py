"""The console's write actions are Engine methods: each logs an event, wakes the
order worker when it gives it work, and asks the back office's capabilities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from engine.backends import Capability
from engine.errors import ConfigError
from engine.events import LogEvent, OrderStateChanged
from engine.runtime import ADMIN_JOB, Engine, MappingKind, OutboxState
from tests.tui.seed import CONNECTION, Shop, engine_factory, seed_state, shown_config


@pytest.fixture
async def engine(tmp_path: Path, shop: Shop) -> AsyncIterator[Engine]:
    config = shown_config(tmp_path)
    await seed_state(config.engine.state_db, shop)
    opened = await engine_factory(shop, tmp_path)(config)
    try:
        yield opened
    finally:
        await opened.close(timeout=5)


class WakeCounter:
    def __init__(self, engine: Engine) -> None:
        self.count = 0
        worker = engine.connection(CONNECTION).worker
        assert worker is not None
        original = worker.wake

        def counted() -> None:
            self.count += 1
            original()

        worker.wake = counted  # type: ignore[method-assign]


async def _in_state(engine: Engine, state: OutboxState) -> int:
    entries = await engine.orders_list(state.value, CONNECTION)
    assert entries, f"the seed has no {state.value} order"
    return entries[0].woo_order_id


def _admin_texts(events: list[object]) -> list[str]:
    return [e.text for e in events if isinstance(e, LogEvent) and e.job == ADMIN_JOB]


async def test_void_is_logged_wakes_the_worker_and_moves_the_order(engine: Engine) -> None:
    order = await _in_state(engine, OutboxState.DONE)
    wakes = WakeCounter(engine)
    with engine.bus.subscribe() as events:
        entry = await engine.orders_void(order, "customer returned it", CONNECTION)
        seen = events.drain()
    assert entry.state is OutboxState.VOIDING
    assert any(f"order #{order}" in text for text in _admin_texts(seen))
    assert any(isinstance(e, OrderStateChanged) and e.woo_order_id == order for e in seen)
    assert wakes.count == 1


async def test_void_is_refused_when_the_back_office_cannot_void(engine: Engine) -> None:
    order = await _in_state(engine, OutboxState.DONE)
    backend = engine.connection(CONNECTION).backend
    backend.capabilities = backend.capabilities - {Capability.SALES_VOID}  # type: ignore[misc]
    assert engine.can_void(CONNECTION) is False
    wakes = WakeCounter(engine)
    with pytest.raises(ConfigError, match="cannot void"):
        await engine.orders_void(order, "x", CONNECTION)
    assert (await engine.orders_show(order, CONNECTION)).entry.state is OutboxState.DONE
    assert wakes.count == 0


async def test_release_held_is_logged_and_wakes_the_worker(engine: Engine) -> None:
    order = await _in_state(engine, OutboxState.HELD)
    wakes = WakeCounter(engine)
    with engine.bus.subscribe() as events:
        assert await engine.release_held(CONNECTION) == 1
        seen = events.drain()
    assert (await engine.orders_show(order, CONNECTION)).entry.state is OutboxState.WAITING
    assert _admin_texts(seen) == ["1 held order(s) released by the admin"]
    assert wakes.count == 1


async def test_unlink_and_clear_skip_are_logged(engine: Engine) -> None:
    with engine.bus.subscribe() as events:
        assert await engine.unlink("product", "1000", CONNECTION) is True
        assert await engine.clear_skip("product", "KB-0099", CONNECTION) is True
        seen = events.drain()
    assert _admin_texts(seen) == [
        "product 1000 unlinked by the admin",
        "product KB-0099: skip cleared by the admin",
    ]
    assert await engine.clear_skip("product", "KB-0099", CONNECTION) is False


async def test_save_mappings_sets_and_deletes_in_one_call(engine: Engine) -> None:
    with engine.bus.subscribe() as events:
        saved = await engine.save_mappings(
            MappingKind.PAYMENT, {"cheque": "cash-id", "cod": None}, CONNECTION
        )
        seen = events.drain()
    assert saved == 2
    exported = await engine.export_mappings(CONNECTION)
    assert '"cheque"' in exported or "cheque" in exported
    assert "cod" not in exported
    assert _admin_texts(seen) == ["2 payment mapping(s) saved by the admin"]


async def test_write_back_retry_and_dismiss_are_logged(engine: Engine) -> None:
    (debt,) = await engine.writebacks(CONNECTION)  # the seed's refused write-back
    wakes = WakeCounter(engine)
    with engine.bus.subscribe() as events:
        assert await engine.writeback_retry(debt.woo_order_id, CONNECTION) is True
        assert await engine.writeback_dismiss(debt.woo_order_id, CONNECTION) is True
        seen = events.drain()
    order = debt.woo_order_id
    assert _admin_texts(seen) == [
        f"order #{order}: receipt write-back retried by the admin",
        f"order #{order}: receipt write-back dismissed by the admin",
    ]
    assert wakes.count == 1
    assert await engine.writebacks(CONNECTION) == []
    assert await engine.writeback_retry(order, CONNECTION) is False  # nothing owed any more
