"""Full garbage collections run between key presses, not in the middle of one (issue 21).

A full pass stopped the console's UI thread for 20-69 ms in about one key of
ten during a sync (bench/README finding 11).  A fake clock and a fake
collector: nothing here waits or times anything.
"""

from __future__ import annotations

import gc

from tests.tui.pilot import settle, until
from tui.quiet_gc import NEVER, QuietCollector


def _collector(now: list[float], passes: list[int]) -> QuietCollector:
    return QuietCollector(
        quiet_s=1.0, overdue_s=30.0, clock=lambda: now[0], collect=lambda g: passes.append(g) or 0
    )


def _make_one_due() -> None:
    for _ in range(gc.get_threshold()[1] + 10):
        gc.collect(1)  # each young pass counts towards a full one, as allocations do


def test_a_due_full_pass_waits_for_a_quiet_moment() -> None:
    now, passes = [100.0], []
    collector = _collector(now, passes)
    saved = gc.get_threshold()
    collector.start()
    try:
        assert gc.get_threshold() == (saved[0], saved[1], NEVER)  # Python runs none itself
        _make_one_due()
        assert collector.due()
        collector.key_pressed()
        now[0] += 0.5
        collector.tick()
        assert passes == []  # a key half a second ago: not now
        now[0] += 0.6
        collector.tick()
        assert passes == [2]
    finally:
        collector.stop()
    assert gc.get_threshold() == saved


def test_an_overdue_full_pass_runs_while_keys_keep_coming() -> None:
    now, passes = [100.0], []
    collector = _collector(now, passes)
    collector.start()
    try:
        _make_one_due()
        for _ in range(int(29.9 / 0.25)):
            collector.key_pressed()
            collector.tick()
            now[0] += 0.25
        assert passes == []
        now[0] += 0.25
        collector.key_pressed()
        collector.tick()
        assert passes == [2]  # 30 s late: memory stays bounded
    finally:
        collector.stop()


async def test_the_open_console_owns_the_full_passes(make_app) -> None:
    saved = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.current_mode == "dashboard")
        await settle(pilot)
        assert gc.get_threshold()[2] == NEVER
    assert gc.get_threshold() == saved
