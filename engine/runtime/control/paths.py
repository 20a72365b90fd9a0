"""Where the control socket lives, who may use it, and whether a service answers on it.

WHY beside the state database: "one engine per database" is already the
rule (the instance lock sits there too), so the socket's path follows from
the config every command reads, with nothing new to configure.  The folder
must not be writable by others: whoever can write there could replace the
socket with their own and hear what the console sends.  The socket itself is
0600, so the kernel lets only its owner (and root) connect — that is the
whole authorisation, and nothing listens on TCP.
"""

from __future__ import annotations

import socket
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from engine.errors import ConfigError

__all__ = [
    "ServiceProbe",
    "SocketState",
    "check_socket_folder",
    "control_socket_path",
    "probe_service",
]

_PROBE_TIMEOUT = 2.0  # seconds: a live service accepts at once
_UNIX_PATH_MAX = 104  # sun_path is 104 bytes on macOS, 108 on Linux: the smaller wins


def control_socket_path(state_db: str | Path) -> Path:
    """``<state_db>.sock``: one socket per state database, beside it."""
    db = Path(state_db)
    return db.with_name(db.name + ".sock")


def check_socket_folder(path: Path) -> None:
    """Refuse a socket folder others can write to, or a path the kernel can't bind."""
    folder = path.parent
    if folder.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(
            f"the control socket's folder {folder} is writable by other users",
            hint=f"chmod go-w {folder} (or move engine.state_db to a folder only tillsync owns)",
        )
    if len(str(path).encode()) >= _UNIX_PATH_MAX:
        raise ConfigError(
            f"the control socket path {path} is too long for a Unix socket",
            hint="use a shorter engine.state_db path (under 100 characters)",
        )


class SocketState(StrEnum):
    LIVE = "live"  # a service accepts connections on it
    STALE = "stale"  # the file is there, nobody listens: the service died
    ABSENT = "absent"  # no service was started on this database


@dataclass(frozen=True)
class ServiceProbe:
    path: Path
    state: SocketState

    @property
    def live(self) -> bool:
        return self.state is SocketState.LIVE


def probe_service(state_db: str | Path) -> ServiceProbe:
    """Whether a service answers on the database's control socket (a connect, nothing sent)."""
    path = control_socket_path(state_db)
    try:
        is_socket = stat.S_ISSOCK(path.stat().st_mode)
    except FileNotFoundError:
        return ServiceProbe(path, SocketState.ABSENT)
    if not is_socket:
        return ServiceProbe(path, SocketState.STALE)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(_PROBE_TIMEOUT)
        try:
            probe.connect(str(path))
        except PermissionError:
            raise ConfigError(
                f"the tillsync service's control socket {path} belongs to another user",
                hint="run tillsync as the service's user (e.g. sudo -u tillsync tillsync)",
            ) from None
        except OSError:
            return ServiceProbe(path, SocketState.STALE)
    return ServiceProbe(path, SocketState.LIVE)
