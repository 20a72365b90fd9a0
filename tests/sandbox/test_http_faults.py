"""The HTTP pieces the strict sandboxes share (sandbox/http_faults.py)."""

from __future__ import annotations

import base64

import httpx
import pytest
from starlette.requests import Request

from sandbox import sitoo
from sandbox.http_faults import basic_credentials
from sandbox.server import serve_in_thread


def _request(authorization: str | None) -> Request:
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


def _basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


def test_basic_credentials_are_read_or_refused_when_malformed() -> None:
    assert basic_credentials(_request(_basic(b"api:pa:ss"))) == ("api", "pa:ss")
    assert basic_credentials(_request(_basic(b"no-colon"))) is None
    assert basic_credentials(_request("Basic !!not-base64!!")) is None
    assert basic_credentials(_request(_basic(b"\xff\xfe:x"))) is None
    assert basic_credentials(_request("Bearer abc")) is None
    assert basic_credentials(_request(None)) is None


def test_a_scripted_drop_in_the_sitoo_sandbox_breaks_the_connection() -> None:
    account = sitoo.SitooSandbox()
    sitoo.seed(account, products=2)
    with serve_in_thread(sitoo.create_app(account)) as running:
        url = f"{running.url}/v2/accounts/{account.account_id}/sites.json"
        auth = (account.api_id, account.password)
        account.knobs.scripted.append("drop")
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(url, auth=auth, timeout=5)
        assert httpx.get(url, auth=auth, timeout=5).status_code == 200
