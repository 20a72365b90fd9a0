"""Turn an httpx exchange into a redacted :class:`~engine.errors.Capture`.

Captures feed the failed-order debugger and error reports, so they are built
only through a :class:`Redactor` and bodies are truncated: a 5 MB catalog
page must not end up in the store's dead-letter table.
"""

from __future__ import annotations

import httpx

from engine.errors import Capture
from engine.transport.redaction import Redactor

__all__ = ["MAX_BODY_CHARS", "capture_exchange", "describe_content"]

MAX_BODY_CHARS = 16_000


def _decode(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    if len(text) > MAX_BODY_CHARS:
        return text[:MAX_BODY_CHARS] + f"… [{len(text) - MAX_BODY_CHARS} more chars]"
    return text


def _request_body(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:
        return b"<streamed body>"


def capture_exchange(
    request: httpx.Request,
    response: httpx.Response | None,
    redactor: Redactor,
    elapsed_ms: float,
) -> Capture:
    """Build the redacted record of one request and (if any) its response."""
    captured = Capture(
        method=request.method,
        url=redactor.url(request.url),
        request_headers=redactor.headers(request.headers),
        request_body=redactor.body(_decode(_request_body(request))),
        elapsed_ms=round(elapsed_ms, 1),
    )
    if response is None:
        return captured
    return Capture(
        method=captured.method,
        url=captured.url,
        request_headers=captured.request_headers,
        request_body=captured.request_body,
        status=response.status_code,
        response_headers=redactor.headers(response.headers),
        response_body=redactor.body(_decode(response.content)),
        elapsed_ms=captured.elapsed_ms,
    )


def describe_content(response: httpx.Response) -> str:
    """A short name for what came back, e.g. ``text/html`` or ``an empty body``."""
    if not response.content:
        return "an empty body"
    content_type = response.headers.get("Content-Type", "")
    return content_type.split(";")[0].strip() or "a body with no Content-Type"
