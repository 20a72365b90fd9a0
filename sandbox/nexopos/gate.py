"""The gate every API request passes: outage, auth, throttle, permission, handler.

Order [I, mirrors the middleware stack]: ``auth:sanctum`` (401 JSON, or a
500 HTML page when ``Accept`` is not JSON), then the ``api`` group's
``ThrottleMiddelware:80,1`` counted per token, then the route's
``NsRestrictMiddleware`` permission (403).  A running 6.2.1 answers the
throttle with **500** ``"Too Many Attempts."`` and no rate headers; normal
answers carry ``X-RateLimit-Limit``/``X-RateLimit-Remaining`` [V-run].  The
window is Laravel's fixed decay window: it starts with the first request and
the counter resets when it expires [I].
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.nexopos.state import NexoSandbox
from sandbox.nexopos.wire import (
    NexoError,
    error_500,
    json_response,
    permission_denied,
    unauthenticated,
)

__all__ = ["Gate", "Handler"]

Handler = Callable[[NexoSandbox, Request], Awaitable[Response]]


@dataclass
class _Window:
    started: float
    count: int = 0


class Gate:
    def __init__(self, sb: NexoSandbox) -> None:
        self.sb = sb
        self._windows: dict[str, _Window] = {}

    def route(self, path: str, handler: Handler, method: str, permission: str | None) -> Route:
        async def endpoint(request: Request) -> Response:
            return await self.handle(request, handler, permission)

        return Route(path, endpoint, methods=[method], name=f"{method} {path}")

    async def handle(self, request: Request, handler: Handler, permission: str | None) -> Response:
        sb = self.sb
        with sb.lock:
            sb.requests[(request.method, request.scope["route"].path)] += 1
        with sb.lock:
            failing = sb.knobs.down or sb.knobs.fail_next > 0
            sb.knobs.fail_next = max(0, sb.knobs.fail_next - 1)
        if failing:
            return json_response({"message": "Service Unavailable"}, 503)
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        token = sb.tokens.get(secret) if scheme.lower() == "bearer" else None
        if token is None:
            return unauthenticated("json" in request.headers.get("accept", ""))
        remaining = self._count(secret)
        if remaining < 0:
            return error_500("Too Many Attempts.", request).response
        try:
            if permission is not None and permission not in token.permissions:
                raise permission_denied(permission)
            response = await handler(sb, request)
        except NexoError as error:
            response = error.response
        if sb.knobs.rate_limit is not None:
            response.headers["X-RateLimit-Limit"] = str(sb.knobs.rate_limit)
            response.headers["X-RateLimit-Remaining"] = str(remaining)
        return response

    def _count(self, secret: str) -> int:
        """Requests left in this token's window after this one; negative when over."""
        limit = self.sb.knobs.rate_limit
        if limit is None:
            return 0
        now = time.monotonic()
        with self.sb.lock:
            window = self._windows.get(secret)
            if window is None or now - window.started >= self.sb.knobs.rate_window:
                window = self._windows[secret] = _Window(now)
            window.count += 1
            return limit - window.count
