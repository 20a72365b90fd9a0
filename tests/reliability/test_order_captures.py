"""The failed-order debugger shows this order's exchange, or none — never another order's.

The escalation used to fall back to the back-office client's ``last_capture``
when an error carried none, so an order that failed before sending anything
showed the previous order's request and response (another customer's data).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import OutboxState
from tests.integration.orders_harness import order_world, sandboxes
from tests.integration.test_orders_booking import arrived

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with sandboxes() as running:
        yield running


async def test_an_order_that_sent_nothing_shows_no_other_orders_exchange(
    servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with order_world(servers, tmp_path) as world:
        first = world.place(status="completed")
        await arrived(world, first["id"])
        assert (await world.worker.drain()).booked == 1
        assert world.ctx.backend.client.last_capture is not None  # the first order's POST

        async def broken_before_sending(order, key):  # a bug in mapping, say
            raise RuntimeError("adapter bug before any request")

        monkeypatch.setattr(world.ctx.backend, "create_sale", broken_before_sending)
        second = world.place(status="completed")
        await arrived(world, second["id"])
        assert (await world.worker.drain()).failed == 1
        entry = await world.entry(second["id"])
        assert entry.state is OutboxState.FAILED
        assert not entry.last_request and not entry.last_response
