"""Job schedules from the config: defaults, per-connection overrides, guard, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.config import JOB_NAMES, ConfigFileError, TillsyncConfig, parse_config
from engine.errors import ConfigError
from engine.scheduler import DailySchedule, IntervalSchedule, QuietSchedule


def connection(name: str, extra: str = "") -> str:
    return f"""
[connections.{name}.woo]
url = "https://{name}.example.com"
consumer_key = "ck_{name}"
consumer_secret = "cs_{name}"

[connections.{name}.backend]
type = "nexopos"
base_url = "https://pos.{name}.example.com"
token = "t"
{extra}
"""


def load(text: str) -> TillsyncConfig:
    return parse_config('[engine]\ntimezone = "Europe/Bratislava"\n' + text)


def test_defaults_follow_the_product() -> None:
    schedules = load(connection("shop1")).job_schedules("shop1")
    assert set(schedules) == set(JOB_NAMES)
    assert {job: s.text for job, s in schedules.items()} == {
        "catalog": "every 10 minutes",
        "stock": "every 3 minutes",
        "orders_poll": "every 5 minutes",
        "customers": "every 30 minutes",
        "reconcile": "daily at 03:00",
        "webhook_health": "every 15 minutes",
    }
    assert isinstance(schedules["stock"], IntervalSchedule)
    assert schedules["stock"].every == timedelta(minutes=3)


def test_daily_jobs_use_the_configured_time_zone_across_dst() -> None:
    reconcile = load(connection("shop1")).job_schedules("shop1")["reconcile"]
    assert isinstance(reconcile, DailySchedule)
    fires = reconcile.next_fires(datetime(2024, 3, 30, 12, tzinfo=UTC), 2)
    assert fires == (
        datetime(2024, 3, 31, 1, 0, tzinfo=UTC),  # 03:00 CEST, the day clocks spring forward
        datetime(2024, 4, 1, 1, 0, tzinfo=UTC),
    )


def test_each_connection_has_its_own_schedules() -> None:
    config = load(
        '[schedules]\ncatalog = "every 20 minutes"\n'
        + connection("shop1", '[connections.shop1.schedules]\nstock = "every 1 minute"\n')
        + connection("shop2", '[connections.shop2.schedules]\ncustomers = "off"\n')
    )
    one, two = config.job_schedules("shop1"), config.job_schedules("shop2")
    assert one["stock"].text == "every 1 minute" and two["stock"].text == "every 3 minutes"
    assert one["catalog"].text == two["catalog"].text == "every 20 minutes"
    assert two["customers"].next_after(datetime.now(UTC)) is None


def test_fast_schedules_need_allow_fast_where_they_are_used() -> None:
    fast = '[schedules]\nstock = "every 20s"\n'
    allowed = "[connections.shop1.schedules]\nallow_fast = true\n"
    with pytest.raises(ConfigFileError) as caught:
        load(fast + connection("shop1", allowed) + connection("shop2"))
    assert [p.dotted for p in caught.value.problems] == ["schedules.stock"]
    config = load(fast + "allow_fast = true\n" + connection("shop1") + connection("shop2"))
    assert config.job_schedules("shop2")["stock"].min_period == timedelta(seconds=20)


def test_quiet_hours_apply_to_heavy_jobs_only() -> None:
    config = load(
        '[schedules]\nquiet_hours = "01:00-05:00"\nheavy = ["reconcile", "catalog"]\n'
        + connection("shop1")
        + connection("shop2", '[connections.shop2.schedules]\nquiet_hours = "off"\n')
    )
    one = config.job_schedules("shop1")
    assert isinstance(one["reconcile"], QuietSchedule) and isinstance(one["catalog"], QuietSchedule)
    assert not isinstance(one["stock"], QuietSchedule)
    reconcile = one["reconcile"].next_after(datetime(2024, 5, 1, 12, tzinfo=UTC))
    assert reconcile == datetime(2024, 5, 2, 3, 0, tzinfo=UTC)  # 05:00 CEST, not 03:00
    assert not isinstance(config.job_schedules("shop2")["reconcile"], QuietSchedule)


def test_heavy_must_name_real_jobs() -> None:
    with pytest.raises(ConfigFileError) as caught:
        load(connection("shop1", '[connections.shop1.schedules]\nheavy = ["catlog"]\n'))
    problem = caught.value.problems[0]
    assert problem.dotted == "connections.shop1.schedules.heavy"
    assert "'catlog' is not a job; jobs are catalog, stock" in problem.problem


def test_unknown_connection() -> None:
    with pytest.raises(ConfigError, match=r"no connection 'shop9'.*shop1"):
        load(connection("shop1")).job_schedules("shop9")
