"""Storing a generated secret in secrets.toml: comments kept, file private, never clobbered."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from engine.errors import ConfigError
from engine.runtime.secrets_file import store_secret

TABLE = ("connections", "shop1", "woo")
EXISTING = """\
# tillsync secrets — keep private
[connections.shop1.woo]
# the consumer secret
consumer_secret = "cs_1"

[connections.shop1.backend]
password = "pw"
"""


def _private(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_secret_goes_into_its_table_and_comments_stay(tmp_path: Path):
    path = _private(tmp_path / "secrets.toml", EXISTING)
    store_secret(path, TABLE, "webhook_secret", 'a"b\\c')
    text = path.read_text()
    data = tomllib.loads(text)
    assert data["connections"]["shop1"]["woo"] == {
        "consumer_secret": "cs_1",
        "webhook_secret": 'a"b\\c',
    }
    assert data["connections"]["shop1"]["backend"] == {"password": "pw"}
    assert "# the consumer secret" in text and text.startswith("# tillsync secrets")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_missing_table_or_file_is_created(tmp_path: Path):
    path = _private(tmp_path / "secrets.toml", '[connections.shop1.backend]\npassword = "pw"')
    store_secret(path, TABLE, "webhook_secret", "s1")
    assert tomllib.loads(path.read_text())["connections"]["shop1"]["woo"]["webhook_secret"] == "s1"
    fresh = tmp_path / "new" / "secrets.toml"
    store_secret(fresh, TABLE, "webhook_secret", "s2")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert tomllib.loads(fresh.read_text())["connections"]["shop1"]["woo"] == {
        "webhook_secret": "s2"
    }


def test_an_existing_secret_or_a_readable_file_is_refused(tmp_path: Path):
    path = _private(tmp_path / "secrets.toml", EXISTING)
    with pytest.raises(ConfigError, match=r"already sets connections\.shop1\.woo\.consumer_secret"):
        store_secret(path, TABLE, "consumer_secret", "other")
    assert path.read_text() == EXISTING
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="other users can access it") as refused:
        store_secret(path, TABLE, "webhook_secret", "s")
    assert f"chmod 600 {path}" in refused.value.hint
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
