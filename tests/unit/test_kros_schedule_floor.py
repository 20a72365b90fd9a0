"""A back office's schedule floor (BackendEntry.schedule_floor): KROS runs 5 minutes apart
or more, or daily at a set time; a faster default is raised, a faster override refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.config import ConfigFileError, TillsyncConfig, parse_config
from engine.scheduler import DailySchedule


def config(backend: str, schedules: str = "") -> TillsyncConfig:
    tables = {
        "kros": 'type = "kros"\ntoken = "kros-token-for-schedules"\nnumbering_sequence = "OF"',
        "nexopos": 'type = "nexopos"\nbase_url = "https://pos.example.com"\ntoken = "t"',
    }
    return parse_config(f"""
[engine]
timezone = "Europe/Bratislava"

[connections.shop1.woo]
url = "https://shop1.example.com"
consumer_key = "ck_shop1"
consumer_secret = "cs_shop1"

[connections.shop1.backend]
{tables[backend]}
{schedules}
""")


def test_a_kros_connection_raises_faster_defaults_to_five_minutes() -> None:
    schedules = config("kros").job_schedules("shop1")
    assert schedules["stock"].min_period == timedelta(minutes=5)  # the default is every 3
    assert schedules["catalog"].min_period == timedelta(minutes=10)
    assert isinstance(schedules["reconcile"], DailySchedule)
    other = config("nexopos").job_schedules("shop1")
    assert other["stock"].min_period == timedelta(minutes=3)  # no floor elsewhere


def test_a_faster_schedule_set_on_a_kros_connection_is_refused() -> None:
    text = '\n[connections.shop1.schedules]\nstock = "every 2 minutes"\ncatalog = "daily at 04:30"'
    with pytest.raises(ConfigFileError) as refused:
        config("kros", text).job_schedules("shop1")
    message = str(refused.value)
    assert "stock" in message and "5 minutes or more, or daily at a set time" in message
    ok = '\n[connections.shop1.schedules]\nstock = "every 5 minutes"'
    assert config("kros", ok).job_schedules("shop1")["stock"].min_period == timedelta(minutes=5)
