"""One engine per state database: the lock, its refusal message and its release."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.instance_lock import InstanceLock, InstanceLockedError, lock_path_for


def test_second_lock_on_the_same_db_is_refused_with_the_pid(tmp_path: Path):
    db = tmp_path / "state.db"
    with InstanceLock.acquire(db) as first:
        assert first.held
        assert lock_path_for(db).read_text().strip() == str(os.getpid())
        with pytest.raises(InstanceLockedError) as refused:
            InstanceLock.acquire(db)
        assert refused.value.pid == os.getpid()
        assert f"another tillsync (PID {os.getpid()}) is running on {db}" in str(refused.value)
        assert InstanceLock.holder(db) == os.getpid()
        assert InstanceLock.acquire(tmp_path / "other.db").held  # other databases are free
    assert not first.held
    assert InstanceLock.holder(db) is None
    InstanceLock.acquire(db).release()  # free again after release


def test_the_os_releases_the_lock_of_a_killed_process(tmp_path: Path):
    db = tmp_path / "state.db"
    holder = textwrap.dedent(
        f"""
        import sys, time
        from engine.instance_lock import InstanceLock
        lock = InstanceLock.acquire({str(db)!r})
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True, cwd=root
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(InstanceLockedError) as refused:
            InstanceLock.acquire(db)
        assert refused.value.pid == child.pid
        assert InstanceLock.holder(db) == child.pid
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        child.kill()
    assert InstanceLock.holder(db) is None  # its PID is left in the file, but it is dead
    with InstanceLock.acquire(db) as lock:
        assert lock.held
