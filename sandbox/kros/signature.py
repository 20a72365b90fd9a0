"""KROS's webhook signature: ``X-Kros-Signature-256``.

Base64(HMAC-SHA256(key = UTF-16LE bytes of the secret, message = UTF-16LE
bytes of the raw body)) [contract §7: 3P ×3 agreeing].
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["HEADER", "sign"]

HEADER = "X-Kros-Signature-256"


def sign(body: str, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-16-le"), body.encode("utf-16-le"), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")
