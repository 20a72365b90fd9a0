"""The state file: never followed through a symlink, and a read-only one is a ✗ with its path.

``_create_private`` used to open and chmod whatever ``state_db`` pointed to,
so a link planted in a shared folder made tillsync open up (0600 → owner
only, or worse, the owner's) another file.  A database the service cannot
write printed "unexpected error" at start and in ``doctor``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from engine.config import format_config_error
from engine.errors import ConfigError
from engine.store import StateStore
from tests.security.installation import Installation, secured_shop


async def test_a_symlinked_state_file_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("someone else's file")
    target.chmod(0o644)
    link = tmp_path / "state.db"
    link.symlink_to(target)
    with pytest.raises(ConfigError) as caught:
        await StateStore.open(link)
    assert "symbolic link" in caught.value.message and str(link) in caught.value.message
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text() == "someone else's file"


async def test_a_fifo_or_a_linked_wal_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        await StateStore.open(fifo)  # O_NONBLOCK: refused, not a hang
    (tmp_path / "elsewhere").write_text("x")
    (tmp_path / "state.db-wal").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConfigError, match="not a regular file"):
        await StateStore.open(tmp_path / "state.db")


def _make_read_only(path: Path) -> None:
    """chmod does not bind root; the immutable flag does (ext4, as on a VPS)."""
    if os.geteuid() != 0:
        path.chmod(0o400)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a file read-only")
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem has no immutable flag")


def _writable_again(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o700 if path.is_dir() else 0o600)


async def test_a_read_only_state_file_is_a_cross_with_the_path(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    await (await StateStore.open(db)).close()
    _make_read_only(db)
    try:
        with pytest.raises(ConfigError) as caught:
            await StateStore.open(db)
        message = format_config_error(caught.value)
        assert message.startswith("✗ database:") and str(db) in message
    finally:
        _writable_again(db)


def test_doctor_and_run_print_a_cross_with_the_path_for_a_read_only_database(
    tmp_path: Path,
) -> None:
    with secured_shop(tmp_path, products=2) as shop:
        inst = Installation(tmp_path / "inst")
        inst.write(shop)
        db = inst.folder / "state.db"
        db.touch(mode=0o600)
        _make_read_only(db)
        try:
            for command in (("doctor",), ("run", "--headless")):
                done = inst.run(*command)
                output = done.stdout + done.stderr
                assert done.returncode == 2, (command, output[-800:])
                assert f"✗ database: the state database {db}" in output, output[-800:]
                assert "unexpected error" not in output
        finally:
            _writable_again(db)


async def test_a_read_only_folder_is_not_called_a_damaged_database(tmp_path: Path) -> None:
    """WAL needs to create files beside the database: a read-only folder must not
    send the admin to "move the damaged file aside and recover"."""
    folder = tmp_path / "state"
    folder.mkdir()
    db = folder / "state.db"
    await (await StateStore.open(db)).close()
    for sidecar in folder.glob("state.db-*"):
        sidecar.unlink()
    _make_read_only(folder)
    try:
        with pytest.raises(ConfigError) as caught:
            await StateStore.open(db)
    finally:
        _writable_again(folder)
    message = format_config_error(caught.value)
    assert message.startswith("✗ database:") and str(db) in message
    assert "damaged" not in message
