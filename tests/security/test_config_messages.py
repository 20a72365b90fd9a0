"""Configuration error messages never quote a secret, and hostile files end in exit 2.

Each case is a file an admin (or an attacker with write access to a shared
folder) could leave behind: a syntax error on a line holding a secret, a
secret in a multi-line string, a 200 KB line, credentials in a base URL, a
file of a gigabyte, a TOML nested 100,000 deep.  What must hold: the message
names the file and is short, the secret is nowhere in it, and the CLI exits
with code 2 (systemd's "don't restart, fix the config") without a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.config import format_config_error, load_config, parse_config
from engine.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cs_live_7Hq2xWm9Lk4Rt6Yp"
SOURCE = Path("/etc/tillsync/config.toml")

VALID = f"""
[connections.shop1.woo]
url = "https://shop.example.com"
consumer_key = "ck_1"
consumer_secret = "{SECRET}"

[connections.shop1.backend]
type = "korona"
base_url = "https://167.koronacloud.com/web/api/v3"
account_id = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"
user = "woo-sync"
password = "pw"
"""


def message_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source=SOURCE)
    return format_config_error(caught.value)


def test_syntax_error_in_an_inline_table_holding_a_secret_hides_it() -> None:
    inline = f'woo = {{ url = "https://shop.example.com", consumer_secret = "{SECRET}", }}'
    text = f"[connections.shop1]\n{inline}\n"
    message = message_of(text)
    assert "line 2" in message and SECRET not in message
    assert "woo ********" in message


def test_a_secret_in_a_multi_line_string_is_not_quoted() -> None:
    first, rest = SECRET[:8], SECRET[8:]
    text = VALID.replace(f'"{SECRET}"', f'"""{first}\n{rest}""" trailing')
    message = message_of(text)
    assert "TOML syntax error" in message
    assert first not in message and rest not in message


def test_a_huge_line_is_cut_in_the_message() -> None:
    text = VALID + "note = " + "x" * 200_000 + "\n"
    message = message_of(text)
    assert "TOML syntax error" in message and len(message) < 1_000


@pytest.mark.parametrize("key", ["url", "base_url"])
def test_credentials_in_a_base_url_are_refused_and_not_echoed(key: str) -> None:
    password = "Pa55-in-the-url-93kd"
    text = VALID.replace('url = "https://', f'url = "https://admin:{password}@')
    if key == "base_url":
        text = VALID.replace('base_url = "https://', f'base_url = "https://admin:{password}@')
    message = message_of(text)
    assert "user name or password" in message and password not in message


def _cli(config: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILLSYNC_")}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "doctor", "--config", str(config)],
        capture_output=True, text=True, timeout=60, cwd=config.parent,
        env={**env, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def test_a_gigabyte_config_is_refused_before_it_is_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    with config.open("wb") as file:
        file.truncate(1024**3)  # sparse: a GiB of NULs on no disk
    with pytest.raises(ConfigError) as caught:
        load_config(config, env={})
    assert "larger than" in caught.value.message and str(config) in caught.value.message
    done = _cli(config)
    assert done.returncode == 2 and "larger than" in done.stderr
    assert "Traceback" not in done.stderr


def test_toml_nested_100k_deep_exits_2_with_a_message(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("deep = " + "[" * 100_000 + "]" * 100_000 + "\n")
    done = _cli(config)
    assert done.returncode == 2, done.stderr[-500:]
    assert "nested too deeply" in done.stderr and "Traceback" not in done.stderr
    assert str(config) in done.stderr
