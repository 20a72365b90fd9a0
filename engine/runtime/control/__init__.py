"""The control socket: the running service's Engine, for consoles and one-off commands.

``tillsync run --headless`` serves its Engine on a Unix socket beside the
state database (:mod:`.server`); ``tillsync`` and the commands that change
state attach to it (:mod:`.client`) instead of refusing while the service
runs.  :func:`attach_if_running` is the one decision every command makes.
"""

from engine.runtime.control.attach import attach_if_running, stale_notice
from engine.runtime.control.client import (
    RemoteEngine,
    ServiceGone,
    ServiceStatus,
)
from engine.runtime.control.paths import (
    ServiceProbe,
    SocketState,
    check_socket_folder,
    control_socket_path,
    probe_service,
)
from engine.runtime.control.server import ControlServer

__all__ = [
    "ControlServer",
    "RemoteEngine",
    "ServiceGone",
    "ServiceProbe",
    "ServiceStatus",
    "SocketState",
    "attach_if_running",
    "check_socket_folder",
    "control_socket_path",
    "probe_service",
    "stale_notice",
]
