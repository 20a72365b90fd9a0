"""WooCommerce REST authentication, chosen from the store URL.

Over https WooCommerce takes HTTP Basic (key:secret); hosts that strip the
``Authorization`` header need the same values as query parameters.  Over
plain http keys work *only* as OAuth 1.0a one-legged signatures (HMAC-SHA256,
key = secret + "&", body not signed, no ``oauth_version``), signed over the
exact URL the request goes to — so the store URL in the config must be the
one WordPress reports (with or without ``www``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Generator
from enum import StrEnum

import httpx
from oauthlib import oauth1

__all__ = ["AuthMode", "OAuth1Auth", "QueryStringAuth", "choose_auth", "default_mode"]


class AuthMode(StrEnum):
    BASIC = "basic"
    QUERY_STRING = "query_string"
    OAUTH1 = "oauth1"  # signature in the query string (works on every WC version)
    OAUTH1_HEADER = "oauth1_header"  # signature in the Authorization header (WC >= 3.0)


def default_mode(url: str, *, query_string_auth: bool = False) -> AuthMode:
    """Basic over https (query string if forced), OAuth 1.0a over http."""
    if httpx.URL(url).scheme == "https":
        return AuthMode.QUERY_STRING if query_string_auth else AuthMode.BASIC
    return AuthMode.OAUTH1


class QueryStringAuth(httpx.Auth):
    """``consumer_key`` / ``consumer_secret`` as query parameters (https only)."""

    def __init__(self, key: str, secret: str) -> None:
        self._key = key
        self._secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.url = request.url.copy_merge_params(
            {"consumer_key": self._key, "consumer_secret": self._secret}
        )
        yield request

    def __repr__(self) -> str:
        return "QueryStringAuth(key=…, secret=***)"


def _woo_hmac_sha256(base_string: str, client: oauth1.Client) -> str:
    """HMAC-SHA256 keyed with the *raw* secret + "&", as WooCommerce computes it.

    oauthlib percent-encodes the secret first (RFC 5849); WooCommerce does
    not.  Real ``cs_`` secrets are hex, but an imported or hand-made secret
    with ``/+=`` would otherwise never verify.
    """
    key = f"{client.client_secret}&".encode()
    digest = hmac.new(key, base_string.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class _WooOAuthClient(oauth1.Client):
    """oauthlib client minus ``oauth_version`` and with a 32-char nonce, as WC documents."""

    SIGNATURE_METHODS = {  # noqa: RUF012 - class-level registry, as in oauthlib
        **oauth1.Client.SIGNATURE_METHODS,
        oauth1.SIGNATURE_HMAC_SHA256: _woo_hmac_sha256,
    }

    def get_oauth_params(self, request: object) -> list[tuple[str, str]]:
        params = super().get_oauth_params(request)
        nonce = secrets.token_hex(16)
        return [
            ("oauth_nonce", nonce) if name == "oauth_nonce" else (name, value)
            for name, value in params
            if name != "oauth_version"
        ]


class OAuth1Auth(httpx.Auth):
    """One-legged OAuth 1.0a (HMAC-SHA256), re-signed on every attempt."""

    def __init__(self, key: str, secret: str, *, in_header: bool = False) -> None:
        self._key = key
        self._secret = secret
        self._signature_type = (
            oauth1.SIGNATURE_TYPE_AUTH_HEADER if in_header else oauth1.SIGNATURE_TYPE_QUERY
        )

    def _client(self) -> _WooOAuthClient:
        return _WooOAuthClient(
            self._key,
            client_secret=self._secret,
            signature_method=oauth1.SIGNATURE_HMAC_SHA256,
            signature_type=self._signature_type,
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # The body is not signed (WC rule), so it is not passed to oauthlib.
        uri, headers, _ = self._client().sign(str(request.url), http_method=request.method)
        if self._signature_type == oauth1.SIGNATURE_TYPE_QUERY:
            request.url = httpx.URL(uri)
        else:
            request.headers["Authorization"] = headers["Authorization"]
        yield request

    def __repr__(self) -> str:
        return "OAuth1Auth(key=…, secret=***)"


def choose_auth(
    url: str,
    key: str,
    secret: str,
    *,
    mode: AuthMode | None = None,
    query_string_auth: bool = False,
) -> httpx.Auth:
    """The auth WooCommerce expects for ``url`` unless ``mode`` forces one."""
    mode = mode or default_mode(url, query_string_auth=query_string_auth)
    if mode is AuthMode.BASIC:
        return httpx.BasicAuth(key, secret)
    if mode is AuthMode.QUERY_STRING:
        return QueryStringAuth(key, secret)
    return OAuth1Auth(key, secret, in_header=mode is AuthMode.OAUTH1_HEADER)
