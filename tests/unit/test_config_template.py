"""The starter files of ``tillsync init``: they load, explain every key, and are private."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from engine.backends.korona.config import KoronaBackendSettings
from engine.config import (
    ScheduleDefaults,
    SyncPreferences,
    WebhookSettings,
    guess_local_timezone,
    load_config,
    parse_config,
    render_starter_config,
    render_starter_secrets,
    write_starter_files,
)
from engine.config.keys import all_keys
from engine.errors import ConfigError


def starter(connection: str = "shop1", timezone: str = "Europe/Bratislava"):
    return parse_config(
        render_starter_config(connection=connection, timezone=timezone),
        secrets_text=render_starter_secrets(connection=connection),
    )


def test_the_starter_config_loads_and_validates() -> None:
    config = starter()
    assert list(config.connections) == ["shop1"]
    assert config.engine.timezone == "Europe/Bratislava"
    assert isinstance(config.connections["shop1"].backend, KoronaBackendSettings)
    assert set(config.job_schedules("shop1")) >= {"catalog", "stock", "reconcile"}


def test_the_starter_states_the_real_defaults() -> None:
    config = starter()
    assert config.schedules == ScheduleDefaults()
    assert config.webhooks == WebhookSettings()
    assert config.connections["shop1"].sync == SyncPreferences()


def test_the_starter_explains_every_key() -> None:
    from engine.backends import available_backends

    # each installed back office's starter explains its own backend keys
    text = "\n".join(render_starter_config(backend=name) for name in available_backends())
    missing = []
    for info in all_keys():
        name = info.path[-1]
        if info.table:
            found = re.search(rf"^\[(.*\.)?{name}(\.|\])", text, re.MULTILINE) is not None
        else:
            found = re.search(rf"^#?\s*{re.escape(name)}\s*[=:]", text, re.MULTILINE) is not None
        if not found:
            missing.append(".".join(info.path))
    assert missing == []


def test_the_starter_secrets_hold_only_secrets() -> None:
    text = render_starter_secrets()
    keys = re.findall(r"^#?\s*([a-z_]+)\s*=", text, re.MULTILINE)
    assert keys and all(
        k in {"consumer_secret", "webhook_secret", "password", "smtp_password"} for k in keys
    )


def test_a_chosen_connection_name_flows_into_tables_and_env_names() -> None:
    config = starter(connection="eu-shop", timezone="UTC")
    assert list(config.connections) == ["eu-shop"]
    assert "TILLSYNC_EU_SHOP_WOO_CONSUMER_SECRET" in render_starter_config(connection="eu-shop")
    with pytest.raises(ConfigError, match="connection name"):
        render_starter_config(connection="EU Shop")


def test_write_starter_files_creates_private_files_and_never_overwrites(tmp_path: Path) -> None:
    config_path = tmp_path / "tillsync" / "config.toml"
    written = write_starter_files(config_path, timezone="UTC")
    assert written == (config_path, tmp_path / "tillsync" / "secrets.toml")
    if os.name == "posix":
        for path in written:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(config_path.parent.stat().st_mode) == 0o700
    assert (
        load_config(config_path, env={}).connections["shop1"].woo.url == "https://shop.example.com"
    )
    before = config_path.read_text()
    with pytest.raises(ConfigError, match="already exists"):
        write_starter_files(config_path)
    assert config_path.read_text() == before


def test_guess_local_timezone_reads_the_localtime_link(tmp_path: Path) -> None:
    zone = Path("/usr/share/zoneinfo/Europe/Bratislava")
    if not zone.exists():
        pytest.skip("no system zoneinfo")
    link = tmp_path / "localtime"
    link.symlink_to(zone)
    absent = tmp_path / "absent"
    assert guess_local_timezone(link, absent) == "Europe/Bratislava"  # an alias, kept as chosen
    (tmp_path / "timezone").write_text("America/New_York\n")
    assert guess_local_timezone(absent, tmp_path / "timezone") == "America/New_York"
    (tmp_path / "timezone").write_text("Mars/Olympus\n")
    assert guess_local_timezone(absent, tmp_path / "timezone") == "UTC"
