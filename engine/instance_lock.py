"""One engine per state database: an advisory lock file beside it.

Two engines on the same SQLite file would both claim the same outbox orders
and advance the same cursors, so the second one must refuse to start.  The
lock is ``fcntl.flock`` on ``<state_db>.lock``, which the kernel releases
when the process dies however it dies (SIGKILL, OOM, power loss of the
process), so there is never a stale lock to clean up by hand.  The file
holds the owner's PID only to make the refusal message useful; the lock
itself, not the file's existence, is what counts, and the file is never
deleted (deleting it would let a third process lock a fresh inode while the
second still holds the old one).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from engine.errors import FailureKind, TillsyncError

try:  # POSIX only; on other systems the lock is a no-op (documented in deploy.md)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["InstanceLock", "InstanceLockedError", "lock_path_for"]


class InstanceLockedError(TillsyncError):
    """Another tillsync process holds the state database."""

    kind = FailureKind.CONFIG

    def __init__(self, db: Path, pid: int | None) -> None:
        who = f"PID {pid}" if pid else "PID unknown"
        super().__init__(
            f"another tillsync ({who}) is running on {db}",
            hint=(
                "stop it first (systemctl stop tillsync), or give this one its own "
                "engine.state_db; read-only commands (logs, orders list, doctor) work alongside"
            ),
        )
        self.db = db
        self.pid = pid


def lock_path_for(state_db: str | Path) -> Path:
    path = Path(state_db)
    return path.with_name(path.name + ".lock")


class InstanceLock:
    """Held while an engine runs; ``acquire`` raises :class:`InstanceLockedError`."""

    def __init__(self, db: Path, fd: int) -> None:
        self.db = db
        self.path = lock_path_for(db)
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, state_db: str | Path) -> InstanceLock:
        db = Path(state_db)
        db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(lock_path_for(db), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise InstanceLockedError(db, pid) from None
        except BaseException:
            os.close(fd)
            raise
        _write_pid(fd)
        return cls(db, fd)

    @staticmethod
    def holder(state_db: str | Path) -> int | None:
        """The PID of the engine running on ``state_db``, or None when none is.

        Reads the PID instead of probing the lock: probing would hold the lock
        for an instant and could make a service starting at that moment refuse.
        A PID left by a crashed engine is ignored when no such process lives.
        """
        try:
            text = lock_path_for(state_db).read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if not text.isdigit():
            return None
        pid = int(text)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid  # alive, owned by another user (the service account)
        return pid

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Unlock and close; the file stays (see the module docstring)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor drops the flock

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _write_pid(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
