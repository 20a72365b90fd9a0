"""The one aiosqlite connection, its pragmas, and the transaction discipline.

WHY a lock: aiosqlite runs each connection on one worker thread, and an SQLite
transaction belongs to the connection, not to an asyncio task.  Without a
lock, a statement from task B issued while task A's transaction is open would
silently join A's transaction (and roll back with it), and a read from B
would see A's uncommitted rows.  So every transaction and every read outside
one takes the connection's lock.  The task that owns the open transaction
may nest further ``transaction()`` blocks: they become SAVEPOINTs, so a
repository method that is transactional on its own (``outbox.enqueue``) can
also be grouped with others (upsert links + advance cursor) atomically.

Never await network I/O inside a transaction: it holds the lock.  And don't
use the store from tasks spawned inside a transaction and awaited there
(``gather`` of store calls): they wait for the lock their parent holds.  Such
a task gives up after ``child_wait_s`` with a ``RuntimeError`` that says so,
rather than hanging the engine.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, Literal

import aiosqlite

from engine.errors import ConfigError
from engine.store.errors import StoreError

__all__ = [
    "DEFAULT_CONNECTION",
    "Database",
    "Params",
    "Synchronous",
    "UnusableDatabaseFileError",
]

Params = Sequence[Any] | dict[str, Any]
Synchronous = Literal["FULL", "NORMAL"]

# The name of the store/back-office pair when the config defines only one.
DEFAULT_CONNECTION = "default"

_PRIVATE = stat.S_IRUSR | stat.S_IWUSR  # 0600


class UnusableDatabaseFileError(StoreError, ConfigError):
    """The state file can't be opened for writing, or is not a plain file of ours.

    A ConfigError so the command exits with code 2 (a restart can't fix a mode
    or a symlink); ``check`` makes the CLI print it as doctor's ✗ line.
    """

    check = "database"


def _refuse(path: Path, why: str) -> UnusableDatabaseFileError:
    return UnusableDatabaseFileError(
        f"the state database {path} {why}",
        hint="the service user needs a regular file it can write, in a folder it can write "
        "(SQLite creates -wal and -shm files beside it); never a symbolic link",
    )


def _create_private(path: Path) -> None:
    """Create (or tighten) the DB file as 0600 before SQLite opens it.

    SQLite gives the -wal and -shm files the permissions of the database file,
    so creating it 0600 ourselves keeps all three private without touching the
    process umask (which other threads share).  A symlink or a non-regular file
    is refused, never followed: chmod through a planted link would open up
    whatever file it points to.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, flags, _PRIVATE)
    except OSError as exc:
        why = "is a symbolic link" if exc.errno == errno.ELOOP else "cannot be opened"
        raise _refuse(path, f"{why} ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, "is not a regular file")
        if stat.S_IMODE(info.st_mode) != _PRIVATE:
            os.fchmod(fd, _PRIVATE)
    finally:
        os.close(fd)
    for sidecar in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        _tighten_sidecar(sidecar)


def _cannot_write(exc: sqlite3.OperationalError) -> bool:
    """SQLite's words for "the file or its folder is read-only" (WAL needs both)."""
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open database file" in text


def _tighten_sidecar(path: Path) -> None:
    with suppress(FileNotFoundError):
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, "is not a regular file (a symbolic link?)")
        if stat.S_IMODE(info.st_mode) != _PRIVATE:
            path.chmod(_PRIVATE)  # checked above: a regular file, not a link


class Database:
    """One SQLite connection shared by every repository of a :class:`StateStore`."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0
        # A token per open transaction, inherited by the tasks spawned inside it:
        # that is how such a task is told apart from an unrelated one.
        self._token: object | None = None
        self.child_wait_s = 30.0
        self._inside: contextvars.ContextVar[object | None] = contextvars.ContextVar(
            f"store_transaction_{id(self)}", default=None
        )

    @classmethod
    async def connect(
        cls, path: str | Path, *, synchronous: Synchronous = "FULL", busy_timeout_ms: int = 10_000
    ) -> Database:
        """Open ``path`` (``":memory:"`` allowed) with WAL, foreign keys and a busy timeout."""
        location = str(path)
        if location != ":memory:":
            _create_private(Path(location))
        conn = await aiosqlite.connect(location, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            for pragma in (
                f"PRAGMA busy_timeout = {int(busy_timeout_ms)}",
                "PRAGMA journal_mode = WAL",
                f"PRAGMA synchronous = {synchronous}",
                "PRAGMA foreign_keys = ON",
            ):
                await conn.execute(pragma)
        except sqlite3.OperationalError as exc:
            await conn.close()
            if _cannot_write(exc):  # a read-only folder or mount, not a damaged file
                raise _refuse(Path(location), f"cannot be written ({exc})") from None
            raise
        except BaseException:
            await conn.close()
            raise
        return cls(conn, location)

    async def close(self) -> None:
        async with self._locked():
            await self._conn.close()

    def _owns_transaction(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        """Take the connection; a task spawned inside the open transaction waits a bounded time."""
        if self._token is None or self._inside.get() is not self._token:
            async with self._lock:
                yield
            return
        try:
            async with asyncio.timeout(self.child_wait_s):
                await self._lock.acquire()
        except TimeoutError:
            raise RuntimeError(
                "the store was used from a task spawned inside a transaction and the "
                "transaction did not end: await store calls in the task that opened it"
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """All statements inside commit together or not at all; nested use is a SAVEPOINT."""
        if self._owns_transaction():
            async with self._savepoint():
                yield
            return
        async with self._locked():
            self._owner, self._token = asyncio.current_task(), object()
            marker = self._inside.set(self._token)
            try:
                # BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that
                # later upgrades from read to write can fail with SQLITE_BUSY at once,
                # without the busy timeout, when another process is writing.
                await self._conn.execute("BEGIN IMMEDIATE")
                yield
                await self._conn.execute("COMMIT")
            except BaseException:
                # Also on cancellation during BEGIN: the worker thread may still run it.
                await asyncio.shield(self._rollback("ROLLBACK"))
                raise
            finally:
                self._owner = self._token = None
                with suppress(ValueError):  # closed from another context (garbage collection)
                    self._inside.reset(marker)

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        self._depth += 1
        name = f"sp{self._depth}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
            await self._conn.execute(f"RELEASE {name}")
        except BaseException:
            await asyncio.shield(self._rollback(f"ROLLBACK TO {name}", f"RELEASE {name}"))
            raise
        finally:
            self._depth -= 1

    async def _rollback(self, *statements: str) -> None:
        # SQLite rolls some failures back by itself (SQLITE_FULL, IOERR); a second
        # ROLLBACK then reports "no transaction is active", which is not news.
        for statement in statements:
            with suppress(sqlite3.OperationalError):
                await self._conn.execute(statement)

    def _require_transaction(self) -> None:
        if not self._owns_transaction():
            raise RuntimeError("writes must run inside `async with store.transaction()`")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write inside the caller's transaction; returns the affected row count."""
        self._require_transaction()
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT inside the caller's transaction; returns the new rowid."""
        self._require_transaction()
        cursor = await self._conn.execute(sql, params)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement for many parameter rows in one round trip to the worker thread."""
        self._require_transaction()
        cursor = await self._conn.executemany(sql, rows)
        return cursor.rowcount

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Read rows; outside a transaction this waits for any open one to finish."""
        if self._owns_transaction():
            return list(await self._conn.execute_fetchall(sql, params))
        async with self._locked():
            return list(await self._conn.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]
