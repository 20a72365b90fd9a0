"""The settings screen's model: schedules with their next fires, preferences,
notification addresses, the test mail — and the one careful config edit.

WHY the edit lives here: schedules and preferences are the admin's config
file (with their comments), not store rows.  :func:`edit_config` changes one
key in place, validates the *whole* resulting file exactly as start-up
would, and only then replaces the file (same permissions, atomic rename),
so the console can never write a config that tillsync refuses to start on.
The running engine keeps its settings until it is reopened.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.config import TillsyncConfig, parse_config, secrets_path_for
from engine.errors import ConfigError
from engine.notify import EmailAlerts, MailResult
from engine.runtime.engine import Engine
from engine.scheduler import ScheduleError, parse_schedule

__all__ = [
    "PREFERENCE_KEYS",
    "SchedulePreview",
    "SettingsView",
    "apply_edits",
    "edit_config",
    "edit_config_keys",
    "schedule_preview",
    "send_test_mail",
    "settings_view",
]

SCHEDULED_JOBS = ("catalog", "stock", "orders_poll", "customers", "reconcile", "webhook_health")
PREFERENCE_KEYS = (
    "sync_categories",
    "hide_out_of_stock",
    "deactivated_to_draft",
    "price_includes_tax",
    "dry_run",
)


@dataclass(frozen=True)
class SchedulePreview:
    ok: bool
    error: str
    fires: tuple[datetime, ...] = ()


def schedule_preview(
    config: TillsyncConfig, text: str, *, now: datetime, allow_fast: bool | None = None
) -> SchedulePreview:
    """Parse a schedule the way the config loader does and list its next 5 fires."""
    fast = config.schedules.allow_fast if allow_fast is None else allow_fast
    try:
        schedule = parse_schedule(text, config.tz, allow_fast=fast)
    except ScheduleError as error:
        return SchedulePreview(False, str(error))
    fires = schedule.next_fires(now, 5)
    return SchedulePreview(True, "" if fires else "never runs on its own", fires)


@dataclass(frozen=True)
class SettingsView:
    config: TillsyncConfig
    config_path: Path | None
    schedules: dict[str, str]  # job -> the text in effect for this connection
    schedule_tables: dict[str, str]  # job -> the config table that text comes from
    preferences: dict[str, bool]
    new_products_status: str
    admin_email: tuple[str, ...]
    smtp_host: str | None


def settings_view(engine: Engine, connection: str) -> SettingsView:
    config = engine.config
    conn = config.connections[connection]
    defaults, overrides = config.schedules, conn.schedules
    schedules = {
        job: str(getattr(overrides, job, None) or getattr(defaults, job)) for job in SCHEDULED_JOBS
    }
    # a save edits the key the admin sees: the override when there is one, else the global
    schedule_tables = {
        job: f"connections.{connection}.schedules" if getattr(overrides, job, None) else "schedules"
        for job in SCHEDULED_JOBS
    }
    return SettingsView(
        config=config,
        config_path=config.source,
        schedules=schedules,
        schedule_tables=schedule_tables,
        preferences={key: bool(getattr(conn.sync, key)) for key in PREFERENCE_KEYS},
        new_products_status=conn.sync.new_products_status,
        admin_email=tuple(config.notify.admin_email),
        smtp_host=config.notify.smtp_host,
    )


async def send_test_mail(engine: Engine) -> MailResult:
    """*Network.*  One mail through the configured SMTP server, right now."""
    notify = engine.config.notify
    if not notify.enabled or not notify.smtp_host:
        return MailResult(False, "no admin_email / smtp_host in [notify] of config.toml")
    alerts = EmailAlerts(
        notify.smtp_host,
        notify.smtp_port,
        notify.sender or notify.admin_email[0],
        notify.admin_email,
        username=notify.smtp_user,
        password=notify.smtp_password,
        starttls=notify.starttls,
    )
    try:
        return await alerts.send_test_mail()
    finally:
        await alerts.aclose()


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):  # an inline table, e.g. a back office's status map
        pairs = (f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }" if value else "{}"
    return json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string


def _toml_key(key: str) -> str:
    """A bare key where TOML allows one (``on-hold`` does), else a quoted one."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _with_key(text: str, table: str, key: str, value: Any) -> str:
    """``text`` with ``key = value`` set in ``[table]`` (added when missing), comments kept."""
    lines = text.splitlines()
    line = f"{key} = {_toml_value(value)}"
    header = next((i for i, t in enumerate(lines) if t.strip() == f"[{table}]"), None)
    if header is None:
        return text.rstrip("\n") + f"\n\n[{table}]\n{line}\n"
    end = next(
        (i for i in range(header + 1, len(lines)) if lines[i].lstrip().startswith("[")),
        len(lines),
    )
    pattern = re.compile(rf"\s*{re.escape(key)}\s*=")
    for i in range(header + 1, end):
        if pattern.match(lines[i]):
            lines[i] = line
            break
    else:
        lines.insert(header + 1, line)
    return "\n".join(lines) + "\n"


def apply_edits(text: str, edits: Iterable[tuple[str, str, Any]]) -> str:
    """TOML ``text`` with each (table, key, value) set; comments and order kept."""
    for table, key, value in edits:
        text = _with_key(text, table, key, value)
    return text


def edit_config(path: Path, table: str, key: str, value: Any) -> None:
    """Set one key in the config file, refusing any result tillsync would not load."""
    edit_config_keys(path, [(table, key, value)])


def edit_config_keys(path: Path, edits: Iterable[tuple[str, str, Any]]) -> None:
    """Set several keys at once (checked together: one may only be valid with another)."""
    text = path.read_text(encoding="utf-8")
    secrets = secrets_path_for(path)
    secrets_text = secrets.read_text(encoding="utf-8") if secrets.is_file() else ""
    changed = apply_edits(text, edits)
    parse_config(changed, source=path, secrets_text=secrets_text, env=os.environ)
    mode = path.stat().st_mode & 0o777
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(changed)
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise ConfigError(f"could not write {path}: {error}") from None
