"""Value types shared by the config models: URLs, paths, secrets, names.

Each validator raises ValueError with a message written for the admin who
edits the file; the loader adds the file name, the key and an example.
A validator never puts the offending value of a secret into its message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, SecretStr, ValidationInfo
from pydantic.functional_validators import BeforeValidator

from engine.scheduler import parse_quiet_hours, parse_schedule

__all__ = [
    "CONNECTION_NAME",
    "JOB_NAMES",
    "ConfigPath",
    "ConnectionName",
    "Email",
    "JobName",
    "QuietHoursText",
    "ScheduleText",
    "Secret",
    "Section",
    "TimeZoneName",
    "Url",
    "resolve_path",
]

# The jobs every connection runs; each has a schedule in [schedules].
JOB_NAMES = ("catalog", "stock", "orders_poll", "customers", "reconcile", "webhook_health")
CONNECTION_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Section(BaseModel):
    """Base of every config table: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


def _check_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be a full URL starting with https:// (or http://)")
    if parts.query or parts.fragment:
        raise ValueError("must not contain a query (?…) or fragment (#…)")
    if "@" in parts.netloc:
        raise ValueError(
            "must not contain a user name or password (user:password@host): "
            "credentials go in secrets.toml, where they are never logged"
        )
    return value.strip().rstrip("/")


def _check_secret(value: SecretStr) -> SecretStr:
    if not value.get_secret_value().strip():
        raise ValueError("is empty")
    return value


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}{_zone_suggestion(name)}") from None
    return name


def _zone_suggestion(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(available_timezones()), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else " (use an IANA name)"


def _check_connection_name(name: str) -> str:
    if not CONNECTION_NAME.fullmatch(name):
        raise ValueError(
            f"connection name {name!r} must start with a lowercase letter and use only "
            "a-z, 0-9, '_' and '-' (at most 32 characters)"
        )
    return name


def resolve_path(value: Any, info: ValidationInfo) -> Any:
    """Expand ``~`` and make a relative path relative to the config file's folder.

    Relative to the file, not to the working directory: a systemd unit and
    an admin's shell start tillsync from different directories.
    """
    if value is None or value == "":
        return None
    path = Path(str(value)).expanduser()
    base = (info.context or {}).get("base_dir")
    return path if path.is_absolute() or base is None else Path(base) / path


def _check_schedule(text: str) -> str:
    parse_schedule(text, ZoneInfo("UTC"), allow_fast=True)  # syntax only; guard runs later
    return text


def _check_quiet_hours(text: str) -> str:
    if text.strip().lower() not in ("off", "none", ""):
        parse_quiet_hours(text, ZoneInfo("UTC"))
    return text


def _check_job_name(name: str) -> str:
    if name not in JOB_NAMES:
        raise ValueError(f"{name!r} is not a job; jobs are {', '.join(JOB_NAMES)}")
    return name


def check_email(address: str) -> str:
    if not _EMAIL.fullmatch(address.strip()):
        raise ValueError(f"{address!r} is not an e-mail address")
    return address.strip()


Url = Annotated[str, AfterValidator(_check_url)]
Secret = Annotated[SecretStr, AfterValidator(_check_secret)]
TimeZoneName = Annotated[str, AfterValidator(_check_zone)]
ConnectionName = Annotated[str, AfterValidator(_check_connection_name)]
ConfigPath = Annotated[Path, BeforeValidator(resolve_path)]
ScheduleText = Annotated[str, AfterValidator(_check_schedule)]
QuietHoursText = Annotated[str, AfterValidator(_check_quiet_hours)]
Email = Annotated[str, AfterValidator(check_email)]
JobName = Annotated[str, AfterValidator(_check_job_name)]
