"""A revision dated year 9999 must not make every later real revision look stale.

The intake clamps a ``date_modified_gmt`` beyond our clock plus
``FUTURE_SKEW`` to that bound, so once the clock passes it the next real
revision is taken as newer.  Runs against a real state file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from engine.events import EventBus
from engine.store import OrderSource, StateStore
from engine.sync.context import SyncContext
from engine.sync.orders import OrderIntake
from engine.sync.orders.intake import FUTURE_SKEW
from engine.webhooks import IntakeResult

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _order(status: str) -> dict:
    line = {"id": 1, "sku": "A-1", "quantity": 1, "total": "9.90"}
    return {"id": 77, "status": status, "currency": "EUR", "line_items": [line]}


@pytest.fixture
async def intake(tmp_path: Path) -> AsyncIterator[OrderIntake]:
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    ctx = SyncContext("default", store, woo=None, backend=None, bus=EventBus())  # type: ignore[arg-type]
    yield OrderIntake(ctx)
    await store.close()


async def test_year_9999_revision_is_clamped_and_later_revisions_still_land(intake) -> None:
    far = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    with time_machine.travel(START, tick=False):
        first = await intake.offer(_order("processing"), far, OrderSource.WEBHOOK)
        held = await intake.ctx.store.outbox.get(77)
    assert first is IntakeResult.NEW
    assert held.modified_gmt == START + FUTURE_SKEW
    later = START + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        second = await intake.offer(_order("completed"), later, OrderSource.WEBHOOK)
        entry = await intake.ctx.store.outbox.get(77)
    assert second is IntakeResult.NEW
    assert entry.payload_data()["status"] == "completed" and entry.modified_gmt == later
