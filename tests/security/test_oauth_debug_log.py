"""``--debug`` must not write oauthlib's signature base string or signature to the log.

oauthlib logs both at DEBUG; the base string carries the consumer key and
the signature is a credential for that request (replayable until the nonce
expires).  Signing runs through the real client code with logging set up
as the CLI sets it up with --debug.
"""

from __future__ import annotations

import io
from pathlib import Path

import httpx

from engine.woo.auth import OAuth1Auth
from tui.logsetup import LOG_FILE, configure_logging

KEY = "ck_debuglog_0123456789abcdef01234567"
SECRET = "cs_debuglog_fedcba9876543210fedcba98"


def test_debug_logging_keeps_oauthlib_quiet(tmp_path: Path) -> None:
    console = io.StringIO()
    configure_logging(debug=True, console=console, log_dir=tmp_path, secrets=[SECRET])
    try:
        request = httpx.Request("GET", "http://shop.example.test/wp-json/wc/v3/orders?page=2")
        signed = next(OAuth1Auth(KEY, SECRET).auth_flow(request))
    finally:
        configure_logging(console=io.StringIO())
    signature = signed.url.params["oauth_signature"]
    written = (tmp_path / LOG_FILE).read_text() + console.getvalue()
    assert signature and signature not in written
    assert "base string" not in written.lower() and KEY not in written
