"""Build our own exceptions from a failed exchange.

This is the boundary of STYLE.md §5: httpx exceptions and raw status codes
stop here and leave as :mod:`engine.errors` classes carrying the remote code
and message, the status, the redacted capture and a hint for the admin.
Every string that leaves goes through the :class:`Redactor` first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from engine.errors import Capture, RemoteError, TransientError
from engine.transport.capture import describe_content
from engine.transport.policy import Verdict
from engine.transport.redaction import Redactor

__all__ = ["ErrorParser", "RemoteFault", "build_error", "generic_error_parser"]


@dataclass(frozen=True)
class RemoteFault:
    """The remote system's own description of an error."""

    code: str | None
    message: str | None
    data: dict[str, Any]


ErrorParser = Callable[[httpx.Response], "tuple[str | None, str | None, dict] | None"]


def generic_error_parser(response: httpx.Response) -> tuple[str | None, str | None, dict] | None:
    """Understands the common ``{code|error, message|detail, data}`` shapes."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    code = body.get("code") or body.get("error") or body.get("errorCode")
    message = body.get("message") or body.get("error_description") or body.get("detail")
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    if code is None and message is None:
        return None
    return (None if code is None else str(code), None if message is None else str(message), data)


def _fault(response: httpx.Response, parser: ErrorParser | None) -> RemoteFault:
    parsed = None
    for candidate in (parser, generic_error_parser):
        if candidate is None:
            continue
        try:
            parsed = candidate(response)
        except (ValueError, KeyError, TypeError, AttributeError):
            parsed = None
        if parsed:
            break
    code, message, data = parsed or (None, None, {})
    return RemoteFault(code, message, dict(data or {}))


def _where(system: str, request: httpx.Request) -> str:
    return f"{system}: {request.method} {request.url.path}"


def build_error(
    system: str,
    verdict: Verdict,
    request: httpx.Request,
    *,
    response: httpx.Response | None = None,
    exc: Exception | None = None,
    capture: Capture | None = None,
    redactor: Redactor,
    parser: ErrorParser | None = None,
) -> RemoteError:
    """The exception for a failed exchange, with every string redacted."""
    error_type = verdict.error or TransientError
    where = _where(system, request)
    if response is None:
        detail = f"{type(exc).__name__}: {exc}" if exc else "no response"
        message = f"{where} failed: {detail}"
        hint = verdict.hint or _exc_hint(exc)
        return error_type(redactor.text(message), capture=capture, hint=hint)
    fault = _fault(response, parser)
    message = f"{where} → {response.status_code}"
    if response.status_code >= 300 and response.reason_phrase:
        message += f" {response.reason_phrase}"
    if verdict.not_json:
        message += (
            f": expected JSON from {system}, got {describe_content(response)} "
            "(firewall or maintenance page?)"
        )
    elif fault.code or fault.message:
        message += f" {fault.code or ''}: {fault.message or ''}".rstrip()
    return error_type(
        redactor.text(message),
        status=response.status_code,
        code=fault.code,
        capture=capture,
        retry_after=verdict.retry_after,
        hint=verdict.hint,
        data=json.loads(redactor.body(json.dumps(fault.data))) if fault.data else None,
    )


def _exc_hint(exc: Exception | None) -> str | None:
    text = str(exc or "")
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return "TLS certificate not trusted: install a valid certificate or set the CA path."
    if isinstance(exc, httpx.TimeoutException):
        return "The remote did not answer in time; tillsync retries by itself."
    return None
