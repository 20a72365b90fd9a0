"""Logging set up by the CLI: secrets masked, journald format, private rotating files."""

from __future__ import annotations

import io
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from engine.config import parse_config
from tui.logsetup import LOG_FILE, config_secrets, configure_logging

SECRET = "cs_super_secret_value_123"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)


def test_console_masks_secrets_and_uses_journal_format_under_systemd(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setenv("JOURNAL_STREAM", "8:1234")
    console = io.StringIO()
    configure_logging(console=console, log_dir=tmp_path / "logs", secrets=[SECRET])
    log = logging.getLogger("engine.test")
    log.info("calling https://shop/?consumer_secret=%s", SECRET)
    try:
        raise ValueError(f"bad {SECRET}")
    except ValueError:
        log.exception("it failed")
    logging.getLogger("httpx").info("HTTP Request: GET https://shop/?consumer_secret=%s", SECRET)
    text = console.getvalue()
    assert text.splitlines()[0] == "INFO engine.test: calling https://shop/?consumer_secret=***"
    assert "Traceback" not in text  # the console gets the message, the file the traceback
    file_text = (tmp_path / "logs" / LOG_FILE).read_text()
    assert "Traceback" in file_text and "bad ***" in file_text
    assert SECRET not in text + file_text
    assert "HTTP Request" not in text  # httpx would log the URL, auth query included
    assert stat.S_IMODE((tmp_path / "logs" / LOG_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "logs").stat().st_mode) == 0o700


def test_console_has_timestamps_outside_systemd_and_rotated_files_stay_private(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    console = io.StringIO()
    configure_logging(console=console, log_dir=tmp_path, console_level=logging.WARNING)
    logging.getLogger("x").info("quiet on the console")
    logging.getLogger("x").warning("loud")
    assert "quiet" not in console.getvalue()
    assert console.getvalue().split(" ", 2)[2].startswith("WARNING x: loud")
    handler = next(h for h in logging.getLogger().handlers if hasattr(h, "doRollover"))
    handler.doRollover()
    logging.getLogger("x").info("after rotation")
    for path in tmp_path.glob(f"{LOG_FILE}*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_config_secrets_finds_every_secret_of_a_config():
    config = parse_config(
        """
        [connections.shop.woo]
        url = "https://shop.example.com"
        consumer_key = "ck_1"
        [connections.shop.backend]
        type = "nexopos"
        base_url = "https://pos.example.com"
        token = "nexo-token-1"
        [notify]
        admin_email = "a@b.example"
        smtp_host = "smtp.example.com"
        """,
        secrets_text="""
        [connections.shop.woo]
        consumer_secret = "cs_woo_1"
        webhook_secret = "hook-1"
        [notify]
        smtp_password = "smtp-1"
        """,
    )
    found = set(config_secrets(config))
    assert {"cs_woo_1", "hook-1", "smtp-1", "nexo-token-1"} <= found
    assert all(isinstance(s, str) for s in found)
    assert config_secrets({"a": [SecretStr("x1234")]}) == ["x1234"]
