"""Secrets never survive into captures, URLs, headers or bodies."""

from __future__ import annotations

import httpx

from engine.transport import Redactor
from engine.transport.capture import MAX_BODY_CHARS, capture_exchange

SECRET = "p@ss w/rd+1"


def test_declared_secret_masked_in_all_spellings() -> None:
    r = Redactor([SECRET, None, ""])
    for spelling in (SECRET, "p%40ss%20w%2Frd%2B1", "p%40ss+w%2Frd%2B1"):
        assert r.text(f"before {spelling} after") == "before *** after"


def test_sensitive_query_params_masked_even_if_not_declared() -> None:
    r = Redactor()
    url = "https://s.test/p?page=2&consumer_secret=cs_x&oauth_signature=abc%3D&consumer_key=ck_1"
    masked = r.url(url)
    assert "cs_x" not in masked and "abc%3D" not in masked
    assert "page=2" in masked and "consumer_key=ck_1" in masked


def test_headers_masked_by_name() -> None:
    r = Redactor(["tok123"])
    masked = r.headers({"Authorization": "Basic Y2s6Y3M=", "X-Api-Key": "k", "X-Echo": "tok123"})
    assert masked == {"Authorization": "***", "X-Api-Key": "***", "X-Echo": "***"}


def test_json_body_fields_masked_by_name_recursively() -> None:
    r = Redactor()
    body = '{"user": "a", "password": "pw1", "nested": [{"api_key": "k2", "secret": "s3"}]}'
    masked = r.body(body)
    assert "pw1" not in masked and "k2" not in masked and "s3" not in masked
    assert '"user": "a"' in masked


def test_form_body_masked() -> None:
    assert Redactor().body("user=a&password=pw1") == "user=a&password=***"


def test_capture_is_redacted_and_truncated() -> None:
    r = Redactor(["cs_secret"])
    request = httpx.Request(
        "POST",
        "https://s.test/x?consumer_secret=cs_secret",
        json={"secret": "whsec", "name": "n"},
        headers={"Authorization": "Basic abc"},
    )
    resp = httpx.Response(200, text="z" * (MAX_BODY_CHARS + 50), request=request)
    capture = capture_exchange(request, resp, r, 12.34)
    text = repr(capture)
    assert "cs_secret" not in text and "whsec" not in text and "Basic abc" not in text
    assert capture.response_body.endswith("[50 more chars]")
    assert capture.status == 200 and capture.elapsed_ms == 12.3


def test_truncated_json_still_masks_sensitive_fields() -> None:
    body = '{"name": "n", "password": "pw\\"1", "items": [{"token": "t0k"}, {"sku": "A'
    masked = Redactor().body(body)
    assert "pw" not in masked and "t0k" not in masked
    assert '"name": "n"' in masked and '"sku": "A' in masked


def test_redaction_stays_linear_on_large_pages() -> None:
    import time

    page = "<html>" + "z" * 500_000 + " a=b " * 20_000 + "</html>"
    started = time.perf_counter()
    Redactor(["s3cr3t"]).body(page)
    assert time.perf_counter() - started < 1.0
