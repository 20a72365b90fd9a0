"""The whole configuration: global tables plus one table per connection.

::

    [engine]      state database, time zone, logs
    [webhooks]    the local receiver WooCommerce posts to
    [notify]      who gets an e-mail when something needs a human
    [schedules]   default schedule of every job (a connection may override)
    [connections.<name>]  woo, backend, sync, orders, schedules

Models are frozen; code receives them through constructors, never reads a
global.  ``TillsyncConfig.source`` is the file it was loaded from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import platformdirs
from pydantic import Field, PrivateAttr, StrictBool, field_validator, model_validator

from engine.config.connection import ConnectionConfig
from engine.config.schedules import resolve_job_schedules
from engine.config.values import (
    ConfigPath,
    ConnectionName,
    Email,
    JobName,
    QuietHoursText,
    ScheduleText,
    Secret,
    Section,
    TimeZoneName,
    Url,
)
from engine.scheduler import Schedule

__all__ = [
    "EngineSettings",
    "NotifySettings",
    "ScheduleDefaults",
    "TillsyncConfig",
    "WebhookSettings",
]

APP = "tillsync"


def _default_state_db() -> Path:
    return platformdirs.user_data_path(APP) / "state.db"


def _default_log_dir() -> Path:
    return platformdirs.user_log_path(APP)


class EngineSettings(Section):
    """Where tillsync keeps its state and logs, and which clock schedules use."""

    state_db: ConfigPath = Field(
        default_factory=_default_state_db, examples=['"/var/lib/tillsync/state.db"']
    )
    timezone: TimeZoneName = Field("UTC", examples=['"Europe/Bratislava"'])
    log_dir: ConfigPath = Field(default_factory=_default_log_dir, examples=['"/var/log/tillsync"'])
    debug: StrictBool = Field(False, examples=["false"])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class WebhookSettings(Section):
    """The receiver WooCommerce delivers webhooks to (behind a reverse proxy)."""

    host: str = Field("127.0.0.1", min_length=1, examples=['"127.0.0.1"'])
    port: int = Field(8787, ge=1, le=65535, examples=["8787"])
    public_url: Url | None = Field(None, examples=['"https://sync.example.com/webhooks"'])
    max_body_bytes: int = Field(1_048_576, ge=1024, le=64 * 1_048_576, examples=["1048576"])


class NotifySettings(Section):
    """Admin e-mail over SMTP; empty ``admin_email`` switches e-mail off."""

    admin_email: tuple[Email, ...] = Field((), examples=['["admin@shop.example"]'])
    smtp_host: str | None = Field(None, examples=['"smtp.example.com"'])
    smtp_port: int = Field(587, ge=1, le=65535, examples=["587"])
    smtp_user: str | None = Field(None, examples=['"tillsync@shop.example"'])
    smtp_password: Secret | None = Field(None, examples=['"the mailbox password"'])
    starttls: StrictBool = Field(True, examples=["true"])
    from_address: Email | None = Field(None, examples=['"tillsync@shop.example"'])
    #: the nightly reconcile's summary mail: only when something differs, or every night
    reconcile_mail: Literal["differences", "always"] = Field("differences", examples=['"always"'])

    @field_validator("admin_email", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _smtp_needed(self) -> NotifySettings:
        if self.admin_email and not self.smtp_host:
            raise ValueError("smtp_host: is required when admin_email is set")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.admin_email)

    @property
    def sender(self) -> str | None:
        """The From: address — explicit, else the SMTP login if it is an address."""
        if self.from_address:
            return self.from_address
        return self.smtp_user if self.smtp_user and "@" in self.smtp_user else None


class ScheduleDefaults(Section):
    """Every job's schedule, for all connections unless one overrides it."""

    catalog: ScheduleText = Field("every 10 minutes", examples=['"every 10 minutes"'])
    stock: ScheduleText = Field("every 3 minutes", examples=['"every 3 minutes"'])
    orders_poll: ScheduleText = Field("every 5 minutes", examples=['"every 5 minutes"'])
    customers: ScheduleText = Field("every 30 minutes", examples=['"every 30 minutes"'])
    reconcile: ScheduleText = Field("daily at 03:00", examples=['"daily at 03:00"'])
    webhook_health: ScheduleText = Field("every 15 minutes", examples=['"every 15 minutes"'])
    quiet_hours: QuietHoursText | None = Field(None, examples=['"01:00-05:00"'])
    allow_fast: StrictBool = Field(False, examples=["false"])
    heavy: tuple[JobName, ...] = Field(("reconcile",), examples=['["reconcile"]'])


class TillsyncConfig(Section):
    """The validated configuration; build it with ``engine.config.load_config``."""

    engine: EngineSettings = Field(default_factory=EngineSettings)
    webhooks: WebhookSettings = WebhookSettings()
    notify: NotifySettings = NotifySettings()
    schedules: ScheduleDefaults = ScheduleDefaults()
    connections: dict[ConnectionName, ConnectionConfig] = Field(min_length=1)
    _source: Path | None = PrivateAttr(None)

    @property
    def source(self) -> Path | None:
        return self._source

    @property
    def tz(self) -> ZoneInfo:
        return self.engine.tz

    @property
    def enabled_connections(self) -> dict[str, ConnectionConfig]:
        return {name: conn for name, conn in self.connections.items() if conn.enabled}

    def job_schedules(self, connection: str) -> dict[str, Schedule]:
        """Each job's effective schedule on ``connection`` (defaults + overrides + quiet hours)."""
        return resolve_job_schedules(self, connection)
