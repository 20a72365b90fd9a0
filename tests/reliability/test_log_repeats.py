"""A flood of identical log records is written once, then counted.

The accept loop of a receiver out of descriptors wrote ~1,000 identical ERROR
lines a second, which rotated all log history away within minutes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.logrepeat import RepeatFilter
from tui.logsetup import LOG_FILE, configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers (the session's secret sweep among them)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)


def test_50000_identical_errors_cost_a_burst_of_lines_in_the_service_log(
    tmp_path: Path, restore_logging: None
) -> None:
    configure_logging(console=io.StringIO(), log_dir=tmp_path)
    flood = logging.getLogger("asyncio")
    for _ in range(50_000):
        flood.error("socket.accept() out of system resource")
    logging.getLogger("engine.sync.orders").info("orders: order #1 booked")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / LOG_FILE).read_text()
    assert text.count("out of system resource") == RepeatFilter().burst
    assert "order #1 booked" in text and len(text) < 2_000


def test_a_few_legitimate_repeats_are_all_written() -> None:
    """A job that starts three times in a minute says so each time (tests wait on it)."""
    repeats = RepeatFilter(window=60, clock=lambda: 0.0)
    record = logging.LogRecord(
        "engine.jobs", logging.INFO, __file__, 1, "catalog started", None, None
    )
    verdicts = [repeats.filter(logging.makeLogRecord(record.__dict__)) for _ in range(8)]
    assert verdicts == [True] * repeats.burst + [False] * (8 - repeats.burst)


def test_after_the_window_the_next_one_says_how_many_were_swallowed() -> None:
    now = [0.0]
    repeats = RepeatFilter(window=60, clock=lambda: now[0], burst=1)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(repeats)
    second = logging.StreamHandler(io.StringIO())
    second.addFilter(repeats)  # shared: a record is judged once, not once per handler
    log = logging.getLogger("tests.flood")
    log.propagate = False
    log.addHandler(handler)
    log.addHandler(second)
    try:
        for n in range(50_000):
            log.error("order %d failed", 7)  # same message
            log.error("order %d failed", n % 3 + 100)  # three other kinds, interleaved
        now[0] = 61.0
        log.error("order %d failed", 7)
    finally:
        log.removeHandler(handler)
        log.removeHandler(second)
    lines = out.getvalue().splitlines()
    assert lines[:4] == ["order 7 failed", "order 100 failed", "order 101 failed",
                         "order 102 failed"]  # fmt: skip
    assert lines[4:] == ["order 7 failed (repeated 49999 times in the last 60 s)"]
