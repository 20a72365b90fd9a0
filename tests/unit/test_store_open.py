"""Opening the state store: file, pragmas, permissions, migrations, transactions."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from engine.store import Link, SchemaVersionError, StateStore
from engine.store.database import Database
from engine.store.schema import LATEST_VERSION, MIGRATIONS, migrate


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


async def test_open_is_awaitable_and_an_async_context_manager(tmp_path: Path) -> None:
    store = await StateStore.open(tmp_path / "a.db")
    await store.cursors.set("feed", "1")
    await store.close()
    async with StateStore.open(tmp_path / "a.db") as again:
        assert await again.cursors.value("feed") == "1"
        assert await again.integrity_check() == "ok"


async def test_pragmas_are_wal_full_sync_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "p.db") as store:
        db = store._db
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await db.fetch_value("PRAGMA synchronous") == 2  # FULL
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
        assert await db.fetch_value("PRAGMA busy_timeout") == 10_000
    async with StateStore.open(tmp_path / "p.db", synchronous="NORMAL") as store:
        assert await store._db.fetch_value("PRAGMA synchronous") == 1


async def test_db_wal_and_shm_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.db"
    async with StateStore.open(path) as store:
        await store.links.upsert(Link("product", "1", 10))
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert [_mode(f) for f in files] == [0o600, 0o600, 0o600]


async def test_an_existing_world_readable_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "loose.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    async with StateStore.open(path):
        assert _mode(path) == 0o600


def test_importing_the_store_connects_nothing(tmp_path: Path) -> None:
    code = "import threading, engine.store, engine.cursor\nprint(threading.active_count())\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert out.stdout.strip() == "1"
    assert list(tmp_path.iterdir()) == []


async def test_a_new_file_is_migrated_from_version_zero(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    sqlite3.connect(path).close()  # an empty v0 database
    assert _user_version(path) == 0
    async with StateStore.open(path) as store:
        assert await store.schema_version() == LATEST_VERSION == len(MIGRATIONS)
        assert len(store.install_id) == 12


@pytest.mark.parametrize("start", range(1, LATEST_VERSION))
async def test_an_old_file_is_migrated_and_keeps_its_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.db"
    db = await Database.connect(path)
    assert await migrate(db, target=start) == start
    async with db.transaction():
        await db.execute(
            "INSERT INTO links (connection, kind, backoffice_id, woo_id, updated_at)"
            " VALUES ('default', 'product', 'P1', 7, '2025-01-01T00:00:00.000000+00:00')"
        )
    install_id = await db.fetch_value("SELECT value FROM meta")
    await db.close()
    assert _user_version(path) == start

    async with StateStore.open(path) as store:
        assert await store.schema_version() == LATEST_VERSION
        assert store.install_id == install_id
        link = await store.links.get_by_woo_id("product", 7)
        assert link is not None and link.backoffice_id == "P1"
        await store.runs.start_run("catalog")  # tables of later versions exist
        assert await store.integrity_check() == "ok"


async def test_a_file_from_a_newer_tillsync_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE from_the_future (x)")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaVersionError) as caught:
        await StateStore.open(path)
    message = str(caught.value)
    assert f"version {LATEST_VERSION + 1}" in message and f"up to {LATEST_VERSION}" in message
    assert "upgrade tillsync" in caught.value.hint
    assert _user_version(path) == LATEST_VERSION + 1
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"from_the_future"}


async def test_a_transaction_is_rolled_back_when_its_block_raises(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "t.db") as store:
        with pytest.raises(RuntimeError, match="boom"):
            async with store.transaction():
                await store.links.upsert_many([Link("product", str(i), i) for i in range(5)])
                await store.cursors.set("catalog", "5")
                raise RuntimeError("boom")
        assert await store.links.count() == 0
        assert await store.cursors.value("catalog") is None


async def test_a_nested_block_is_a_savepoint(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "n.db") as store:
        async with store.transaction():
            await store.cursors.set("outer", "1")
            with pytest.raises(ValueError):
                async with store.transaction():
                    await store.cursors.set("inner", "2")
                    raise ValueError("undo the inner block only")
            assert await store.cursors.value("inner") is None
        assert await store.cursors.value("outer") == "1"
        assert await store.cursors.value("inner") is None


async def test_a_failing_statement_inside_a_repository_call_leaves_nothing(
    tmp_path: Path,
) -> None:
    async with StateStore.open(tmp_path / "f.db") as store:
        batch = [Link("product", "a", 1), Link("product", "b", 2), Link("product", "c", 2)]
        with pytest.raises(sqlite3.IntegrityError):
            await store.links.upsert_many(batch)  # two back-office ids claim Woo id 2
        assert await store.links.count() == 0


async def test_writes_outside_a_transaction_are_refused(tmp_path: Path) -> None:
    async with StateStore.open(tmp_path / "w.db") as store:
        with pytest.raises(RuntimeError, match="inside"):
            await store._db.execute("DELETE FROM links")


async def test_another_task_never_joins_an_open_transaction(tmp_path: Path) -> None:
    """Task B's write waits for task A's transaction, so A's rollback can't take B's row."""
    async with StateStore.open(tmp_path / "c.db") as store:
        a_inside = asyncio.Event()

        async def task_a() -> None:
            with pytest.raises(RuntimeError):
                async with store.transaction():
                    await store.cursors.set("a", "1")
                    a_inside.set()
                    await asyncio.sleep(0.05)  # B tries to write meanwhile
                    raise RuntimeError("roll back A")

        async def task_b() -> None:
            await a_inside.wait()
            assert await store.cursors.value("a") is None  # no dirty read of A's row
            await store.cursors.set("b", "2")

        await asyncio.gather(task_a(), task_b())
        assert await store.cursors.value("a") is None
        assert await store.cursors.value("b") == "2"


async def test_a_second_process_can_read_while_the_store_is_open(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    async with StateStore.open(path) as store:
        await store.cursors.set("stock", "42")
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT value FROM cursors").fetchone()[0] == "42"


async def test_store_calls_gathered_inside_a_transaction_fail_instead_of_hanging(
    tmp_path: Path,
) -> None:
    async with StateStore.open(tmp_path / "g.db") as store:
        store._db.child_wait_s = 0.2
        # a TaskGroup, not gather: the sibling of the child that gave up is cancelled, so
        # it cannot take the lock after the rollback and write on its own (a busy machine
        # starts the two children far enough apart for that)
        with pytest.raises(ExceptionGroup) as caught:
            async with store.transaction(), asyncio.timeout(5), asyncio.TaskGroup() as group:
                group.create_task(store.cursors.set("a", "1"))
                group.create_task(store.cursors.set("b", "2"))
        assert caught.group_contains(RuntimeError, match="spawned inside a transaction")
        assert await store.cursors.entries() == []
        # a task spawned inside but not awaited there just waits for the commit
        async with store.transaction():
            await store.cursors.set("c", "3")
            later = asyncio.create_task(store.cursors.set("c", "4"))
            await asyncio.sleep(0.01)
        await later
        assert await store.cursors.value("c") == "4"
