"""Auth chosen from the URL scheme; OAuth 1.0a signatures checked independently."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest
from woocommerce.oauth import OAuth as OfficialOAuth

from engine.woo.auth import AuthMode, OAuth1Auth, QueryStringAuth, choose_auth

KEY, SECRET = "ck_0123456789", "cs_abcdef/+=secret"


def signed(auth: httpx.Auth, request: httpx.Request) -> httpx.Request:
    return next(auth.auth_flow(request))


def rfc5849_signature(method: str, url: str, params: list[tuple[str, str]]) -> str:
    """Independent HMAC-SHA256 over the RFC 5849 base string, keyed like WooCommerce
    (raw secret + "&", not percent-encoded)."""

    def enc(s: str) -> str:
        return quote(s, safe="~")

    pairs = sorted((enc(k), enc(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join([method, enc(url), enc(normalized)])
    digest = hmac.new(f"{SECRET}&".encode(), base.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    ("url", "forced", "qs", "expected"),
    [
        ("https://shop.example/wp-json/wc/v3", None, False, httpx.BasicAuth),
        ("https://shop.example/wp-json/wc/v3", None, True, QueryStringAuth),
        ("http://shop.example/wp-json/wc/v3", None, False, OAuth1Auth),
        ("https://shop.example/wp-json/wc/v3", AuthMode.OAUTH1, False, OAuth1Auth),
    ],
)
def test_auth_is_chosen_from_scheme_unless_forced(
    url: str, forced: AuthMode | None, qs: bool, expected: type
) -> None:
    assert isinstance(choose_auth(url, KEY, SECRET, mode=forced, query_string_auth=qs), expected)


def test_query_string_auth_adds_key_and_secret() -> None:
    req = signed(QueryStringAuth(KEY, SECRET), httpx.Request("GET", "https://s.test/p?page=2"))
    params = dict(parse_qsl(urlsplit(str(req.url)).query))
    assert params == {"page": "2", "consumer_key": KEY, "consumer_secret": SECRET}
    assert "authorization" not in req.headers


def test_oauth_query_signature_has_woo_params_and_verifies() -> None:
    url = "http://127.0.0.1:8080/wp-json/wc/v3/products"
    request = httpx.Request(
        "GET", url, params={"per_page": 100, "modified_after": "2024-01-01T00:00:00"}
    )
    req = signed(OAuth1Auth(KEY, SECRET), request)
    params = parse_qsl(urlsplit(str(req.url)).query)
    names = {k for k, _ in params}
    assert {"oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature"} <= names
    assert "oauth_version" not in names  # WooCommerce docs: omit it
    values = dict(params)
    assert values["oauth_signature_method"] == "HMAC-SHA256"
    assert values["oauth_consumer_key"] == KEY
    assert len(values["oauth_nonce"]) == 32
    rest = [(k, v) for k, v in params if k != "oauth_signature"]
    assert values["oauth_signature"] == rfc5849_signature("GET", url, rest)


def test_oauth_signature_matches_official_woocommerce_client() -> None:
    url = "http://shop.test:8080/wp-json/wc/v3/orders"
    req = signed(OAuth1Auth(KEY, SECRET), httpx.Request("GET", url, params={"page": 3}))
    params = dict(parse_qsl(urlsplit(str(req.url)).query))
    ours = params.pop("oauth_signature")
    official = OfficialOAuth(url, KEY, SECRET, version="wc/v3", method="GET")
    assert official.generate_oauth_signature(params, url) == ours


def test_oauth_body_is_not_signed_and_each_attempt_gets_a_fresh_nonce() -> None:
    url = "http://shop.test/wp-json/wc/v3/products"
    auth = OAuth1Auth(KEY, SECRET)
    one = signed(auth, httpx.Request("POST", url, json={"name": "A"}))
    two = signed(auth, httpx.Request("POST", url, json={"name": "B"}))
    p1, p2 = (dict(parse_qsl(urlsplit(str(r.url)).query)) for r in (one, two))
    assert p1["oauth_nonce"] != p2["oauth_nonce"]
    rest = [(k, v) for k, v in p1.items() if k != "oauth_signature"]
    assert p1["oauth_signature"] == rfc5849_signature("POST", url, rest)


def test_oauth_header_mode_puts_signature_in_authorization() -> None:
    url = "http://shop.test/wp-json/wc/v3/products"
    req = signed(OAuth1Auth(KEY, SECRET, in_header=True), httpx.Request("GET", url))
    assert req.headers["authorization"].startswith("OAuth ")
    assert 'oauth_signature_method="HMAC-SHA256"' in req.headers["authorization"]
    assert "oauth_signature" not in str(req.url)


def test_auth_reprs_hide_the_secret() -> None:
    for auth in (OAuth1Auth(KEY, SECRET), QueryStringAuth(KEY, SECRET)):
        assert SECRET not in repr(auth)
