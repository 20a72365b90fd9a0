"""What a command checks before it touches anything: is the config usable, is
the state database free.

WHY here and not inside each command: every command and the console must
refuse the same way (a message, a non-zero exit, no file touched), and the
CLI may import only ``engine.runtime``.
"""

from __future__ import annotations

from pathlib import Path

from engine.config import (
    ConfigFileError,
    ConfigProblem,
    TillsyncConfig,
    placeholder_problems,
    require_adapters,
)
from engine.instance_lock import InstanceLock, InstanceLockedError

__all__ = [
    "ConfigProblem",
    "InstanceLock",
    "InstanceLockedError",
    "config_problems",
    "refuse_if_running",
]


def config_problems(config: TillsyncConfig) -> list[ConfigProblem]:
    """What makes a syntactically valid config unusable: no adapter, starter placeholders."""
    try:
        require_adapters(config)
        unbuilt: list[ConfigProblem] = []
    except ConfigFileError as error:
        unbuilt = list(error.problems)
    return [*unbuilt, *placeholder_problems(config)]


def refuse_if_running(state_db: str | Path) -> None:
    """Raise InstanceLockedError when an engine holds ``state_db`` (reads the PID only).

    A probe that takes the lock for an instant could make a service starting
    at that moment refuse; the PID file answers without that risk.
    """
    pid = InstanceLock.holder(state_db)
    if pid is not None:
        raise InstanceLockedError(Path(state_db), pid)
