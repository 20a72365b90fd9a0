"""The Engine facade and how it is wired (see :mod:`engine.runtime.engine`).

This package is the only part of the engine the console (``tui``) and the
CLI import; an import-linter contract in pyproject.toml holds them to it.
The records, errors, events and config helpers they need are re-exported
here, so a screen never reaches into ``engine.store`` or the jobs.
"""

from engine.config import (
    CONFIG_ENV_VAR,
    TillsyncConfig,
    default_config_path,
    format_config_error,
    load_config,
    locate_config,
    write_starter_files,
)
from engine.config.problems import ConfigFileError
from engine.errors import ConfigError, TillsyncError
from engine.events import (
    EngineEvent,
    JobFinished,
    JobProgress,
    JobStarted,
    OrderStateChanged,
    Subscription,
)
from engine.runtime.connection import ConnectionRuntime, build_connection
from engine.runtime.console_actions import ADMIN_JOB, seed_mappings
from engine.runtime.doctor import CheckStatus, DoctorCheck, DoctorReport
from engine.runtime.engine import JOBS, Engine
from engine.runtime.jobs import Job, register_job
from engine.runtime.order_desk import OrderDetails
from engine.store import MappingKind, OutboxEntry, OutboxState, StoredEvent
from engine.sync.diff import CatalogDiff

__all__ = [
    "ADMIN_JOB",
    "CONFIG_ENV_VAR",
    "JOBS",
    "CatalogDiff",
    "CheckStatus",
    "ConfigError",
    "ConfigFileError",
    "ConnectionRuntime",
    "DoctorCheck",
    "DoctorReport",
    "Engine",
    "EngineEvent",
    "Job",
    "JobFinished",
    "JobProgress",
    "JobStarted",
    "MappingKind",
    "OrderDetails",
    "OrderStateChanged",
    "OutboxEntry",
    "OutboxState",
    "StoredEvent",
    "Subscription",
    "TillsyncConfig",
    "TillsyncError",
    "build_connection",
    "default_config_path",
    "format_config_error",
    "load_config",
    "locate_config",
    "register_job",
    "seed_mappings",
    "write_starter_files",
]
