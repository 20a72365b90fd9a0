"""The one decision every command makes: attach to the running service, or run here.

A live control socket means a service holds the state database: the
console and the commands that change state use it (:class:`RemoteEngine`)
instead of refusing.  A socket nobody answers on is stale (the service was
killed): the caller is told so and runs the engine itself, which takes
the instance lock as always — so if something still holds the database,
that refusal comes next, with its PID.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.config import TillsyncConfig
from engine.runtime.control.client import RemoteEngine
from engine.runtime.control.paths import ServiceProbe, SocketState, probe_service

__all__ = ["attach_if_running", "stale_notice"]


def stale_notice(probe: ServiceProbe) -> str:
    return (
        f"the control socket {probe.path} is stale (the service that opened it is not "
        "running): running the engine here instead"
    )


async def attach_if_running(
    config: TillsyncConfig, notice: Callable[[str], None] | None = None
) -> RemoteEngine | None:
    """The service's engine when one runs on this database, else None (``notice`` hears why)."""
    probe = probe_service(config.engine.state_db)
    if probe.state is SocketState.LIVE:
        return await RemoteEngine.attach(config, probe.path)
    if probe.state is SocketState.STALE and notice is not None:
        notice(stale_notice(probe))
    return None
