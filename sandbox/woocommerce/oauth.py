"""OAuth 1.0a one-legged signature check, written from RFC 5849 §3.4.

Deliberately hand-made (no oauthlib): the sandbox must not share a library
with the client it is testing.  The base string follows WooCommerce's
``check_oauth_signature``: the *configured* site URL plus the raw request
path, every query/form/``Authorization: OAuth`` parameter except
``oauth_signature``, keys sorted byte-wise, arrays flattened as ``key[i]``,
each ``key=value`` RFC 3986-encoded twice.  The body of a JSON request is
not part of the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import quote, unquote, unquote_plus

from sandbox.woocommerce.phpquery import PhpParams, flatten

__all__ = [
    "OAUTH_PARAMS",
    "base_string",
    "parse_authorization_header",
    "percent_encode",
    "sign",
    "signature_matches",
]

OAUTH_PARAMS = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')
_ALGORITHMS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}


def percent_encode(value: str) -> str:
    """RFC 3986 encoding: only unreserved characters stay as they are (§3.6)."""
    return quote(value, safe="-._~")


def parse_authorization_header(header: str) -> dict[str, str]:
    """The ``oauth_*`` parameters of an ``Authorization: OAuth …`` header."""
    header = header.strip()
    if header[:6].lower() != "oauth ":
        return {}
    params = {}
    for match in _HEADER_PARAM.finditer(header):
        raw = match.group(3) if match.group(3) else match.group(4)
        params[match.group(1)] = unquote_plus(raw or "")
    return params


def base_string(method: str, url: str, params: PhpParams) -> str:
    """The signature base string (§3.4.1) over everything but ``oauth_signature``."""
    ordered = {key: params[key] for key in sorted(params, key=lambda k: k.encode())}
    ordered.pop("oauth_signature", None)
    pairs = [
        percent_encode(f"{percent_encode(key)}={percent_encode(value)}")
        for key, value in flatten(ordered)
    ]
    return "&".join([method.upper(), percent_encode(url), "%26".join(pairs)])


def sign(base: str, consumer_secret: str, method: str) -> str:
    """base64 HMAC of ``base`` keyed with ``consumer_secret&`` (no token secret)."""
    digest = hmac.new(f"{consumer_secret}&".encode(), base.encode(), _ALGORITHMS[method]).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(provided: str, base: str, consumer_secret: str, method: str) -> bool:
    """Constant-time compare; WooCommerce rawurldecodes the value once more first."""
    if method not in _ALGORITHMS:
        return False
    expected = sign(base, consumer_secret, method)
    return hmac.compare_digest(expected, unquote(provided.replace(" ", "+")))
