"""``--debug`` must not write oauthlib's signature base string or signature to the log.

oauthlib logs both at DEBUG; the base string carries the consumer key and
the signature is a credential for that request (replayable until the nonce
expires).  Signing runs through the real client code with logging set up
as the CLI sets it up with --debug.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from engine.woo.auth import OAuth1Auth
from tui.logsetup import LOG_FILE, configure_logging

KEY = "ck_debuglog_0123456789abcdef01234567"
SECRET = "cs_debuglog_fedcba9876543210fedcba98"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers (the session's secret sweep among them)."""
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


def test_debug_logging_keeps_oauthlib_quiet(tmp_path: Path, restore_logging: None) -> None:
    console = io.StringIO()
    configure_logging(debug=True, console=console, log_dir=tmp_path, secrets=[SECRET])
    request = httpx.Request("GET", "http://shop.example.test/wp-json/wc/v3/orders?page=2")
    signed = next(OAuth1Auth(KEY, SECRET).auth_flow(request))
    for handler in logging.getLogger().handlers:
        handler.flush()
    signature = signed.url.params["oauth_signature"]
    written = (tmp_path / LOG_FILE).read_text() + console.getvalue()
    assert signature and signature not in written
    assert "base string" not in written.lower() and KEY not in written
