"""Which back offices this installation can actually talk to.

A ``backend`` table of any type reads cleanly (its keys are checked by the
settings model of its back office's entry when one is installed), but only
the back offices whose entry is installed (registered in
:mod:`engine.backends`) can run.  Loading a configuration for use refuses
the others up front, at ``backend.type``, naming the ones that work,
instead of every command failing later while the engine opens.
"""

from __future__ import annotations

from engine.config.models import TillsyncConfig
from engine.config.problems import ConfigFileError, ConfigProblem

__all__ = ["available_backend_types", "require_adapters"]


def available_backend_types() -> tuple[str, ...]:
    """The back-office types with an installed adapter (imported late: no cycle)."""
    from engine.backends import available_backends

    return available_backends()


def require_adapters(config: TillsyncConfig) -> None:
    """Raise a ConfigFileError for each connection whose back office has no adapter."""
    available = available_backend_types()
    source = str(config.source) if config.source is not None else ""
    problems = [
        ConfigProblem(
            ("connections", name, "backend", "type"),
            f"no adapter for {conn.backend.type!r} in this version of tillsync; "
            f"choose one of {', '.join(available)}",
            example=f'type = "{available[0]}"' if available else None,
            source=source,
        )
        for name, conn in config.enabled_connections.items()
        if conn.backend.type not in available
    ]
    if problems:
        raise ConfigFileError(problems)
