"""WooCommerce webhook signatures.

``X-WC-Webhook-Signature`` is base64(HMAC-SHA256(raw body, secret)), computed
by WooCommerce over the JSON bytes it sent.  We verify over the *raw* request
bytes — re-serialising parsed JSON changes spacing and escaping and would
reject genuine deliveries — and compare in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["SIGNATURE_HEADER", "sign", "verify"]

SIGNATURE_HEADER = "X-WC-Webhook-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature WooCommerce would send for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """True only when ``header`` is the exact signature of ``body``.

    A missing header, an empty secret or a malformed value is a plain
    ``False`` (the receiver answers 401), never an exception.
    """
    if not header or not secret:
        return False
    expected = sign(body, secret).encode("ascii")
    try:
        given = header.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
