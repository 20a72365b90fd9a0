"""Where the control socket goes, and which folders and paths it refuses."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from engine.errors import ConfigError
from engine.runtime.control import (
    SocketState,
    check_socket_folder,
    control_socket_path,
    probe_service,
)


def test_the_socket_sits_beside_the_state_database():
    assert control_socket_path("/var/lib/tillsync/state.db") == Path(
        "/var/lib/tillsync/state.db.sock"
    )


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777])
def test_a_folder_others_can_write_to_is_refused(tmp_path: Path, mode: int):
    folder = tmp_path / "state"
    folder.mkdir()
    folder.chmod(mode)
    with pytest.raises(ConfigError, match="writable by other users") as refused:
        check_socket_folder(folder / "state.db.sock")
    assert f"chmod go-w {folder}" in refused.value.hint


def test_a_private_folder_is_fine(tmp_path: Path):
    folder = tmp_path / "state"
    folder.mkdir(mode=0o700)
    check_socket_folder(folder / "state.db.sock")


def test_a_path_too_long_for_a_unix_socket_is_refused_with_a_hint(tmp_path: Path):
    folder = tmp_path / ("x" * 110)
    folder.mkdir(mode=0o700)
    with pytest.raises(ConfigError, match="too long for a Unix socket"):
        check_socket_folder(folder / "state.db.sock")


def test_probe_tells_absent_stale_and_live(tmp_path: Path):
    db = tmp_path / "state.db"
    assert probe_service(db).state is SocketState.ABSENT
    path = control_socket_path(db)
    with socket.socket(socket.AF_UNIX) as dead:
        dead.bind(str(path))
    assert probe_service(db).state is SocketState.STALE
    path.unlink()
    with socket.socket(socket.AF_UNIX) as live:
        live.bind(str(path))
        live.listen()
        assert probe_service(db).live
    path.unlink()
    path.write_text("not a socket")
    assert probe_service(db).state is SocketState.STALE
