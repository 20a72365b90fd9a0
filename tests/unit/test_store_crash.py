"""SIGKILL a writer at random moments: the file stays sound and transactions all-or-nothing."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from engine.store import StateStore

WRITER = Path(__file__).with_name("crash_writer.py")
ROOT = Path(__file__).resolve().parents[2]
ROWS = 25  # crash_writer.ROWS_PER_TRANSACTION


def kill_writer_at_random(path: Path, mode: str, rng: random.Random) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), mode], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.35))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def consistency(path: Path) -> tuple[int, bool]:
    """(transactions committed per the cursor, whether every table agrees with it)."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        cursor = conn.execute("SELECT value FROM cursors WHERE name = 'crash'").fetchone()
        committed = int(cursor[0]) if cursor else 0
        links = conn.execute("SELECT count(*) FROM links").fetchone()[0]
        per_batch = conn.execute(
            "SELECT count(*) FROM links GROUP BY woo_id / 1000 HAVING count(*) != ?", (ROWS,)
        ).fetchall()
        orders = conn.execute("SELECT count(*), coalesce(max(woo_order_id), 0) FROM outbox")
        order_count, newest_order = orders.fetchone()
        lines = conn.execute("SELECT count(*) FROM outbox_lines").fetchone()[0]
    agrees = (
        links == committed * ROWS
        and per_batch == []
        and order_count == newest_order == committed
        and lines == committed
    )
    return committed, agrees


async def reopen(path: Path) -> int:
    async with StateStore.open(path) as store:
        assert await store.integrity_check() == "ok"
        return await store.links.count()


def test_a_killed_writer_leaves_only_whole_transactions(tmp_path: Path) -> None:
    rng = random.Random(20250501)
    path = tmp_path / "crash.db"
    progress = [0]
    for _ in range(6):
        kill_writer_at_random(path, "atomic", rng)
        committed, agrees = consistency(path)
        assert agrees, f"torn transaction after a kill (cursor says {committed})"
        assert asyncio.run(reopen(path)) == committed * ROWS
        progress.append(committed)
    assert progress == sorted(progress) and progress[-1] >= 3, progress  # writes did happen


def test_the_kills_do_land_mid_batch(tmp_path: Path) -> None:
    """Control: without the transaction the same kills tear batches, so the test above bites."""
    rng = random.Random(20250501)
    path = tmp_path / "split.db"
    torn = 0
    for _ in range(3):
        kill_writer_at_random(path, "split", rng)
        _, agrees = consistency(path)
        torn += not agrees
        if not agrees:
            break
    assert torn >= 1
