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


def test_an_interrupted_open_closes_the_database_and_frees_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Ctrl-C while the engine recovers: no DB thread keeps the process alive, no lock stays."""
    import asyncio
    import threading

    from engine.config import parse_config
    from engine.runtime import Engine
    from engine.store import StateStore

    from .installation import offline_install

    inst = offline_install(tmp_path / "tillsync")
    config = parse_config(
        inst.config_path.read_text(),
        source=inst.config_path,
        secrets_text=(inst.folder / "secrets.toml").read_text(),
    )

    async def interrupted(self: StateStore) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(StateStore, "recover", interrupted)
    before = {t.ident for t in threading.enumerate()}
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(Engine.open(config, exclusive=True))
    started = [t for t in threading.enumerate() if t.ident not in before and not t.daemon]
    for thread in started:  # a closed DB's thread ends on its own, a little later when busy
        thread.join(timeout=10)
    assert [t for t in started if t.is_alive()] == []
    assert InstanceLock.holder(inst.state_db) is None
    InstanceLock.acquire(inst.state_db).release()
