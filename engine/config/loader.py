"""Finding, reading and validating the config file (and its secrets).

Which file: an explicit path, else ``$TILLSYNC_CONFIG``, else
``platformdirs.user_config_path("tillsync") / "config.toml"``.  Secrets come
from ``secrets.toml`` beside it and from the environment (see
:mod:`engine.config.secrets`).  Everything that is wrong is reported at
once, as a :class:`ConfigFileError`; nothing is half-loaded.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from engine.config.diagnose import Sources, problem_from_toml, problems_from_validation
from engine.config.models import TillsyncConfig
from engine.config.problems import ConfigFileError, ConfigProblem
from engine.config.secrets import Origin, check_private, env_secrets, holds_secrets
from engine.errors import ConfigError

__all__ = [
    "CONFIG_ENV_VAR",
    "SECRETS_FILE",
    "default_config_path",
    "load_config",
    "locate_config",
    "parse_config",
    "secrets_path_for",
]

CONFIG_ENV_VAR = "TILLSYNC_CONFIG"
SECRETS_FILE = "secrets.toml"


def default_config_path() -> Path:
    return platformdirs.user_config_path("tillsync") / "config.toml"


def locate_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The config file to use: ``path``, else $TILLSYNC_CONFIG, else the default."""
    env = os.environ if env is None else env
    chosen = path or env.get(CONFIG_ENV_VAR) or default_config_path()
    return Path(chosen).expanduser()


def secrets_path_for(config_path: Path) -> Path:
    return config_path.with_name(SECRETS_FILE)


def load_config(
    path: str | Path | None = None, *, env: Mapping[str, str] | None = None
) -> TillsyncConfig:
    """Read, check permissions of, merge and validate the configuration."""
    env = os.environ if env is None else env
    config_path = locate_config(path, env)
    if not config_path.is_file():
        raise ConfigError(
            f"no config file at {config_path}",
            hint=f"create one with `tillsync init`, or point {CONFIG_ENV_VAR} at yours",
        )
    data = _read_toml(config_path, secret=False)
    if holds_secrets(data):
        check_private(config_path, why="holds secrets")
    secrets_path = secrets_path_for(config_path)
    secrets: dict[str, Any] = {}
    if secrets_path.is_file():
        check_private(secrets_path, why="is the secrets file")
        secrets = _read_toml(secrets_path, secret=True)
    return build_config(data, secrets, config_path=config_path, env=env)


def parse_config(
    text: str,
    *,
    source: Path = Path("config.toml"),
    secrets_text: str = "",
    env: Mapping[str, str] | None = None,
) -> TillsyncConfig:
    """Validate config text without touching the disk (no permission checks).

    ``env`` defaults to empty, not to os.environ: parsing a string should
    not depend on the caller's environment.
    """
    data = _parse_toml(text, source, secret=False)
    secrets = _parse_toml(secrets_text, secrets_path_for(source), secret=True)
    return build_config(data, secrets, config_path=source, env=env or {})


def build_config(
    data: dict[str, Any],
    secrets: dict[str, Any],
    *,
    config_path: Path,
    env: Mapping[str, str],
) -> TillsyncConfig:
    """Merge secrets into the parsed config, validate, and check every schedule."""
    origins: Origin = {}
    merged = _merge(data, secrets, (), origins, str(secrets_path_for(config_path)))
    _apply_env(merged, env, origins)
    sources = Sources(config_path, secrets_path_for(config_path), origins)
    try:
        config = TillsyncConfig.model_validate(merged, context={"base_dir": config_path.parent})
    except ValidationError as error:
        raise ConfigFileError(problems_from_validation(error, sources)) from None
    config._source = config_path
    _check_schedules(config)
    return config


#: Far above any real config (a few KiB); a bigger file is refused before it is read,
#: so a 1 GiB file of NULs costs nothing instead of gigabytes of memory.
MAX_CONFIG_BYTES = 1024 * 1024


def _read_toml(path: Path, *, secret: bool) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"{path} is larger than {MAX_CONFIG_BYTES // 1024} KiB; not read",
                hint="a tillsync config is a few KiB: check that the path names the right file",
            )
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"can't read {path}: {error}") from None
    return _parse_toml(text, path, secret=secret)


def _parse_toml(text: str, path: Path, *, secret: bool) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError([problem_from_toml(error, path, text, secret=secret)]) from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        problem = ConfigProblem((), "values are nested too deeply to read", source=str(path))
        raise ConfigFileError([problem]) from None


def _merge(
    base: dict[str, Any], extra: Mapping[str, Any], at: tuple[str, ...], origins: Origin, label: str
) -> dict[str, Any]:
    """Deep-merge ``extra`` over ``base``, noting where each merged leaf came from."""
    merged = dict(base)
    for key, value in extra.items():
        path = (*at, key)
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value, path, origins, label)
        else:
            merged[key] = value
            _note(value, path, origins, label)
    return merged


def _note(value: Any, path: tuple[str, ...], origins: Origin, label: str) -> None:
    origins[path] = label
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _note(inner, (*path, key), origins, label)


def _apply_env(merged: dict[str, Any], env: Mapping[str, str], origins: Origin) -> None:
    connections = merged.get("connections")
    names = list(connections) if isinstance(connections, Mapping) else []
    for path, variable, value in env_secrets(names, env):
        table = merged
        for part in path[:-1]:
            table = table.setdefault(part, {}) if isinstance(table, dict) else {}
        if isinstance(table, dict):
            table[path[-1]] = value
            origins[path] = f"environment variable {variable}"


def _check_schedules(config: TillsyncConfig) -> None:
    problems: list[ConfigProblem] = []
    for name in config.connections:
        try:
            config.job_schedules(name)
        except ConfigFileError as error:
            problems.extend(p for p in error.problems if p not in problems)
    if problems:
        raise ConfigFileError(problems)
