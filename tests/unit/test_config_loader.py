"""Loading config from disk: which file, secrets file, env secrets, permissions, paths."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest
from pydantic import SecretStr

from engine.backends.korona.config import KoronaBackendSettings
from engine.config import (
    CONFIG_ENV_VAR,
    ConfigFileError,
    default_config_path,
    format_config_error,
    load_config,
    locate_config,
    parse_config,
)
from engine.errors import ConfigError

CONFIG = """
[engine]
timezone = "Europe/Bratislava"
state_db = "data/state.db"

[connections.shop1.woo]
url = "https://shop.example.com/"
consumer_key = "ck_live_1"

[connections.shop1.backend]
type = "korona"
base_url = "https://167.koronacloud.com/web/api/v3"
account_id = "3F2C1A9E-8B7D-4C6E-9F10-2A3B4C5D6E7F"
user = "woo-sync"
warehouse = "1"
point_of_sale = "90"

[connections.eu-shop.woo]
url = "https://eu.shop.example.com"
consumer_key = "ck_live_2"

[connections.eu-shop.backend]
type = "kros"
numbering_sequence = "OF"
"""

SECRETS = """
[connections.shop1.woo]
consumer_secret = "cs_from_secrets_file"

[connections.shop1.backend]
password = "korona-pass-from-file"

[connections.eu-shop.woo]
consumer_secret = "cs_eu_from_file"
"""

ENV = {"TILLSYNC_EU_SHOP_BACKEND_TOKEN": "kros-token-from-env"}


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    write(tmp_path / "config.toml", CONFIG, 0o644)  # holds no secret: may be readable
    write(tmp_path / "secrets.toml", SECRETS)
    return tmp_path


def test_loads_config_with_secrets_file_and_env(config_dir: Path) -> None:
    config = load_config(config_dir / "config.toml", env=ENV)
    shop1, eu = config.connections["shop1"], config.connections["eu-shop"]
    assert config.source == config_dir / "config.toml"
    assert shop1.woo.url == "https://shop.example.com"
    assert shop1.woo.consumer_secret.get_secret_value() == "cs_from_secrets_file"
    assert isinstance(shop1.backend, KoronaBackendSettings)
    assert shop1.backend.password.get_secret_value() == "korona-pass-from-file"
    assert shop1.backend.account_id == "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"
    assert eu.backend.type == "kros"  # checked by the KROS entry's own settings model
    settings = eu.backend.adapter_settings()
    assert settings["numbering_sequence"] == "OF"
    assert isinstance(settings["token"], SecretStr)
    assert settings["token"].get_secret_value() == "kros-token-from-env"


def test_env_wins_over_the_secrets_file(config_dir: Path) -> None:
    env = {**ENV, "TILLSYNC_SHOP1_WOO_CONSUMER_SECRET": "cs_from_env"}
    config = load_config(config_dir / "config.toml", env=env)
    assert config.connections["shop1"].woo.consumer_secret.get_secret_value() == "cs_from_env"


def test_relative_paths_are_relative_to_the_config_file(config_dir: Path) -> None:
    config = load_config(config_dir / "config.toml", env=ENV)
    assert config.engine.state_db == config_dir / "data" / "state.db"
    assert config.engine.log_dir == platformdirs.user_log_path("tillsync")


def test_korona_settings_map_to_the_adapter_names(config_dir: Path) -> None:
    backend = load_config(config_dir / "config.toml", env=ENV).connections["shop1"].backend
    assert isinstance(backend, KoronaBackendSettings)
    mapping = backend.adapter_settings()
    assert mapping["warehouse_id"] == "1" and mapping["point_of_sale_id"] == "90"
    assert "warehouse" not in mapping and "type" not in mapping


def test_which_file_is_used(tmp_path: Path) -> None:
    explicit = tmp_path / "explicit.toml"
    from_env = tmp_path / "env.toml"
    assert locate_config(explicit, env={CONFIG_ENV_VAR: str(from_env)}) == explicit
    assert locate_config(None, env={CONFIG_ENV_VAR: str(from_env)}) == from_env
    assert locate_config(None, env={}) == default_config_path()
    assert default_config_path() == platformdirs.user_config_path("tillsync") / "config.toml"


def test_load_config_reads_the_env_var_path(config_dir: Path) -> None:
    env = {**ENV, CONFIG_ENV_VAR: str(config_dir / "config.toml")}
    assert load_config(env=env).source == config_dir / "config.toml"


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml", env={})
    message = format_config_error(caught.value)
    assert str(tmp_path / "nope.toml") in message and "tillsync init" in message


@pytest.mark.skipif(os.name != "posix", reason="mode bits")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_readable_secrets_file_is_refused(config_dir: Path, mode: int) -> None:
    secrets = config_dir / "secrets.toml"
    secrets.chmod(mode)
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir / "config.toml", env=ENV)
    message = format_config_error(caught.value)
    assert f"chmod 600 {secrets}" in message
    assert str(secrets) in message and "korona-pass" not in message


@pytest.mark.skipif(os.name != "posix", reason="mode bits")
def test_a_readable_config_file_holding_a_secret_is_refused(tmp_path: Path) -> None:
    inline = CONFIG.replace(
        'consumer_key = "ck_live_1"', 'consumer_key = "ck_live_1"\nconsumer_secret = "cs_inline"'
    )
    path = write(tmp_path / "config.toml", inline, 0o644)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env=ENV)
    assert f"chmod 600 {path}" in format_config_error(caught.value)
    path.chmod(0o600)
    write(
        tmp_path / "secrets.toml", SECRETS.replace('consumer_secret = "cs_from_secrets_file"', "")
    )
    config = load_config(path, env=ENV)
    assert config.connections["shop1"].woo.consumer_secret.get_secret_value() == "cs_inline"


def test_a_typo_in_a_secret_env_var_is_an_error(config_dir: Path) -> None:
    env = {**ENV, "TILLSYNC_SHOP1_WOO_CONSUMER_SECERT": "cs_typo"}
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir / "config.toml", env=env)
    message = format_config_error(caught.value)
    assert "TILLSYNC_SHOP1_WOO_CONSUMER_SECERT" in message
    assert "TILLSYNC_SHOP1_WOO_CONSUMER_SECRET" in message  # the right spelling is offered
    assert "cs_typo" not in message


def test_non_secret_settings_cannot_come_from_the_env(config_dir: Path) -> None:
    env = {**ENV, "TILLSYNC_SHOP1_BACKEND_USER": "someone"}
    with pytest.raises(ConfigError, match="does not name a secret"):
        load_config(config_dir / "config.toml", env=env)


def test_a_problem_in_the_secrets_file_names_that_file(config_dir: Path) -> None:
    write(config_dir / "secrets.toml", SECRETS + "\n[connections.shop1.backend]\n")
    with pytest.raises(ConfigFileError) as caught:
        load_config(config_dir / "config.toml", env=ENV)
    message = format_config_error(caught.value)
    assert f"TOML syntax error in {config_dir / 'secrets.toml'}, line 11" in message
    assert "korona-pass" not in message  # lines of the secrets file are never quoted
    write(config_dir / "secrets.toml", SECRETS.replace("password =", "pasword ="))
    with pytest.raises(ConfigFileError) as caught:
        load_config(config_dir / "config.toml", env=ENV)
    problems = {p.dotted: p for p in caught.value.problems}
    typo = problems["connections.shop1.backend.pasword"]
    assert typo.source == str(config_dir / "secrets.toml")
    assert "did you mean 'password'?" in typo.problem
    assert "korona-pass-from-file" not in format_config_error(caught.value)


def test_secrets_never_show_in_repr_or_str(config_dir: Path) -> None:
    config = load_config(config_dir / "config.toml", env=ENV)
    for text in (repr(config), str(config), repr(config.connections["eu-shop"].backend)):
        for secret in ("cs_from_secrets_file", "korona-pass-from-file", "kros-token-from-env"):
            assert secret not in text


def test_parse_config_ignores_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLSYNC_SHOP1_WOO_CONSUMER_SECRET", "cs_process_env")
    config = parse_config(CONFIG, secrets_text=SECRETS, env=ENV)
    assert (
        config.connections["shop1"].woo.consumer_secret.get_secret_value() == "cs_from_secrets_file"
    )


def test_at_least_one_connection_is_required() -> None:
    with pytest.raises(ConfigFileError) as caught:
        parse_config('[engine]\ntimezone = "UTC"\n')
    assert [p.dotted for p in caught.value.problems] == ["connections"]
