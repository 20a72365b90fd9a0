"""WooCommerce webhook signatures: base64(HMAC-SHA256(raw body, secret)).

WooCommerce signs the bytes it sends, already JSON-encoded, so the check runs
over the raw request body — never over a re-serialised payload, whose
whitespace and key order would differ.  The comparison is constant-time so a
forger learns nothing from how quickly a guess is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["signature_matches", "webhook_signature"]


def webhook_signature(body: bytes, secret: bytes) -> str:
    """The ``X-WC-Webhook-Signature`` value WooCommerce sends for ``body``."""
    digest = hmac.new(secret, body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(body: bytes, secret: bytes, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body`` under ``secret``.

    An empty secret never matches: a connection configured without one must
    not accept deliveries signed with the empty key.
    """
    if not header or not secret:
        return False
    expected = webhook_signature(body, secret).encode("ascii")
    try:
        given = header.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
