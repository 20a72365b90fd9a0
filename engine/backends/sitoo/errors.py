"""Sitoo's refusals turned into what tillsync should do about them.

Sitoo declares its statuses (400, 401, 404, 429, 500) but no error body;
the one error schema in the reconstruction is ``{statuscode, errortext}``
[V schema, I that errors use it], so the parser reads that and falls back
to the generic shapes.  A request from an address missing in the account's
IP allow-list is refused [V]; how is undocumented [I] — any 401/403 whose
text names an IP address gets the allow-list hint instead of "check the
password".
"""

from __future__ import annotations

import json

import httpx

from engine.errors import AuthError, RemoteError

__all__ = ["IP_HINT", "is_ip_refusal", "parse_sitoo_error", "translate"]

IP_HINT = (
    "Sitoo refuses this server's IP address: add it to the allowed IPs in Sitoo Back Office "
    "→ Settings → Sitoo REST API."
)


def parse_sitoo_error(response: httpx.Response) -> tuple[str | None, str | None, dict] | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict) or not body.get("errortext"):
        return None
    return (str(body.get("statuscode") or response.status_code), str(body["errortext"]), {})


def is_ip_refusal(error: RemoteError) -> bool:
    text = (error.message or "").lower()
    return error.status in (401, 403) and " ip" in f" {text}"


def translate(error: RemoteError) -> RemoteError:
    """Sharpen a transport error with Sitoo's meaning (the allow-list refusal)."""
    if is_ip_refusal(error) and error.hint != IP_HINT:
        return AuthError(
            error.message,
            status=error.status,
            code="ip_not_allowed",
            capture=error.capture,
            hint=IP_HINT,
        )
    return error
