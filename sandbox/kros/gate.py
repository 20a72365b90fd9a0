"""What every ``/api`` request passes before its handler.

Order [I; each answer is documented, their order is not]: an outage
(``knobs.unavailable``: 503, for the demo's stumble), the Bearer token
(401, empty body), the rate limits (429: 10/s, 300/min per token), the API
package of the company's plan (402), then for a POST the duplicate window
(an identical POST within 120 s answers 409 [3P KP-SPEC]) and the
``drop_answer`` fault (the request is processed, its answer is lost).
A ``ValidationFailed`` from a handler becomes ``400 {"errors": [...]}``.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from sandbox.kros.company import KrosSandbox
from sandbox.kros.routes import Handler
from sandbox.kros.validation import ValidationFailed

__all__ = ["guarded"]

DUPLICATE_WINDOW = timedelta(seconds=120)


class LostAnswer(Response):
    """Promise a body, send a scrap of it, hang up: the client never learns the request id."""

    def __init__(self) -> None:
        super().__init__(b"", 202)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 202, "headers": headers})
        await send({"type": "http.response.body", "body": b"{", "more_body": True})


def _token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _is_duplicate(kb: KrosSandbox, request: Request, body: bytes) -> bool:
    digest = hashlib.sha256(request.url.path.encode() + b"\n" + body).hexdigest()
    now = kb.clock()
    with kb.lock:
        kb.recent_posts = {k: t for k, t in kb.recent_posts.items() if now - t < DUPLICATE_WINDOW}
        if digest in kb.recent_posts:
            return True
        kb.recent_posts[digest] = now
        return False


def _too_many(kb: KrosSandbox) -> Response:
    headers = {} if kb.knobs.retry_after is None else {"Retry-After": str(kb.knobs.retry_after)}
    return JSONResponse({"title": "Too Many Requests", "status": 429}, 429, headers=headers)


async def _checked(kb: KrosSandbox, request: Request, handler: Handler) -> Response:
    with kb.lock:
        down = kb.knobs.unavailable > 0
        kb.knobs.unavailable -= 1 if down else 0
    if down:
        return Response("Service Unavailable", 503, media_type="text/plain")
    token = _token(request)
    if not token or token != kb.token:
        return Response(b"", 401, headers={"WWW-Authenticate": "Bearer"})
    if not kb.rate.admit(token):
        return _too_many(kb)
    if not kb.knobs.api_package:
        return JSONResponse({"title": "Payment Required", "status": 402}, 402)
    if request.method == "POST":
        if _is_duplicate(kb, request, await request.body()):
            error = {"propertyPath": "", "errorMessage": "Duplicate request."}
            return JSONResponse({"errors": [error]}, 409)
        response = await handler(kb, request)
        with kb.lock:
            kb.stats.posts += 1
            lose = response.status_code == 202 and kb.knobs.drop_answer > 0
            if lose:
                kb.knobs.drop_answer -= 1
        return LostAnswer() if lose else response
    return await handler(kb, request)


def guarded(kb: KrosSandbox, method: str, path: str, handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        try:
            response = await _checked(kb, request, handler)
        except ValidationFailed as failed:
            response = JSONResponse({"errors": failed.errors}, 400)
        with kb.lock:
            kb.stats.requests += 1
            code = response.status_code
            kb.stats.statuses[code] = kb.stats.statuses.get(code, 0) + 1
        return response

    return Route(path, endpoint, methods=[method])
