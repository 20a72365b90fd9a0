"""tillsync's configuration: TOML file -> validated, frozen settings.

::

    config = load_config()                  # path arg > $TILLSYNC_CONFIG > platformdirs
    conn = config.connections["shop1"]
    conn.woo.consumer_secret.get_secret_value()
    config.job_schedules("shop1")           # {job: Schedule} for the Scheduler

Errors are :class:`ConfigFileError` (a ConfigError) listing every problem
with file, key, what is wrong and an example; print ``format_config_error(e)``.
"""

from engine.config.adapters import available_backend_types, require_adapters
from engine.config.connection import (
    BackendSettings,
    ConnectionConfig,
    GenericBackendSettings,
    OrderRules,
    ScheduleOverrides,
    SyncPreferences,
    WooSettings,
)
from engine.config.loader import (
    CONFIG_ENV_VAR,
    SECRETS_FILE,
    default_config_path,
    load_config,
    locate_config,
    parse_config,
    secrets_path_for,
)
from engine.config.models import (
    EngineSettings,
    NotifySettings,
    ScheduleDefaults,
    TillsyncConfig,
    WebhookSettings,
)
from engine.config.placeholders import placeholder_problems
from engine.config.problems import ConfigFileError, ConfigProblem, format_config_error
from engine.config.secrets import is_secret_key, secret_env_var
from engine.config.template import (
    guess_local_timezone,
    render_starter_config,
    render_starter_secrets,
    write_starter_files,
)
from engine.config.values import JOB_NAMES

__all__ = [
    "CONFIG_ENV_VAR",
    "JOB_NAMES",
    "SECRETS_FILE",
    "BackendSettings",
    "ConfigFileError",
    "ConfigProblem",
    "ConnectionConfig",
    "EngineSettings",
    "GenericBackendSettings",
    "NotifySettings",
    "OrderRules",
    "ScheduleDefaults",
    "ScheduleOverrides",
    "SyncPreferences",
    "TillsyncConfig",
    "WebhookSettings",
    "WooSettings",
    "available_backend_types",
    "default_config_path",
    "format_config_error",
    "guess_local_timezone",
    "is_secret_key",
    "load_config",
    "locate_config",
    "parse_config",
    "placeholder_problems",
    "render_starter_config",
    "render_starter_secrets",
    "require_adapters",
    "secret_env_var",
    "secrets_path_for",
    "write_starter_files",
]
