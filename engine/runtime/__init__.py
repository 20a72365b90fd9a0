"""The Engine facade and how it is wired (see :mod:`engine.runtime.engine`).

This package is the only part of the engine the console (``tui``) and the
CLI import; an import-linter contract in pyproject.toml holds them to it.
The records, errors, events and config helpers they need are re-exported
here, so a screen never reaches into ``engine.store`` or the jobs.
"""

from engine.config import (
    CONFIG_ENV_VAR,
    JOB_NAMES,
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
from engine.runtime.backfill import BackfillPlan, apply_backfill, plan_backfill
from engine.runtime.connection import ConnectionRuntime, build_connection
from engine.runtime.doctor import CheckStatus, DoctorCheck, DoctorReport
from engine.runtime.engine import ADMIN_JOB, JOBS, Engine, seed_mappings
from engine.runtime.event_jobs import event_jobs
from engine.runtime.jobs import Job, register_job
from engine.runtime.marker_file import MARKER_NAME
from engine.runtime.preflight import (
    ConfigProblem,
    InstanceLock,
    InstanceLockedError,
    config_problems,
    refuse_if_running,
)
from engine.runtime.recovery import RecoveryReport
from engine.runtime.recovery import recover as recover_state
from engine.runtime.state_guard import StateLostError
from engine.runtime.views_orders import OrderDetail
from engine.store import (
    MappingKind,
    OutboxEntry,
    OutboxState,
    StoredEvent,
    WriteBackDebt,
    WriteBackState,
)
from engine.sync.diff import CatalogDiff

__all__ = [
    "ADMIN_JOB",
    "CONFIG_ENV_VAR",
    "JOBS",
    "JOB_NAMES",
    "MARKER_NAME",
    "BackfillPlan",
    "CatalogDiff",
    "CheckStatus",
    "ConfigError",
    "ConfigFileError",
    "ConfigProblem",
    "ConnectionRuntime",
    "DoctorCheck",
    "DoctorReport",
    "Engine",
    "EngineEvent",
    "InstanceLock",
    "InstanceLockedError",
    "Job",
    "JobFinished",
    "JobProgress",
    "JobStarted",
    "MappingKind",
    "OrderDetail",
    "OrderStateChanged",
    "OutboxEntry",
    "OutboxState",
    "RecoveryReport",
    "StateLostError",
    "StoredEvent",
    "Subscription",
    "TillsyncConfig",
    "TillsyncError",
    "WriteBackDebt",
    "WriteBackState",
    "apply_backfill",
    "build_connection",
    "config_problems",
    "default_config_path",
    "event_jobs",
    "format_config_error",
    "load_config",
    "locate_config",
    "plan_backfill",
    "recover_state",
    "refuse_if_running",
    "register_job",
    "seed_mappings",
    "write_starter_files",
]
