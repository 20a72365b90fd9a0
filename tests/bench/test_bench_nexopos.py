"""The nexopos_read benchmark's harness works (its numbers come from ``bench.run``)."""

from __future__ import annotations

import asyncio

from bench.scenarios.nexopos_read import _floor_s, _full_read
from sandbox.nexopos import NexoSandbox, create_app, seed_store
from sandbox.server import serve_in_thread


def test_the_floor_is_whole_windows_after_the_first_budget() -> None:
    assert _floor_s(80, 60.0) == 0  # the first 80 go at once
    assert _floor_s(81, 60.0) == 60.0
    assert _floor_s(301, 60.0) == 180.0


def test_the_full_read_counts_its_requests_at_a_tiny_size() -> None:
    sb = seed_store(NexoSandbox(), products=30)
    sb.knobs.rate_window = 1.0
    with serve_in_thread(create_app(sb)) as running:
        read = asyncio.run(_full_read(running.url, 1.0))
    # categories 1 + one page of 30 products + one page of the 60 unit quantities
    assert read == read | {"requests": 3, "retries": 0, "products": 30, "categories": 5}
