"""HTTP pieces every strict sandbox fakes the same way (sandboxes only: never the engine).

A dropped connection and reading HTTP Basic credentials are plain HTTP,
not any vendor's API, so the KORONA, Sitoo and AurPOS simulators share
them instead of each keeping a copy.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

__all__ = ["ConnectionDrop", "basic_credentials"]


class ConnectionDrop(Response):
    """Promise a body, send a scrap of it, hang up: the client sees a broken connection."""

    def __init__(self, scrap: bytes = b"{") -> None:
        super().__init__(b"", 200)
        self.scrap = scrap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.scrap, "more_body": True})


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """(user, password) from an ``Authorization: Basic`` header, or None if absent or malformed."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None
