"""Laravel Passport as the Connector uses it: ``POST /oauth/token`` and bearer tokens.

Password grant (``client_id``, ``client_secret``, ``username``, ``password``,
``scope``) answers ``{token_type, expires_in, access_token, refresh_token}``
[V-doc].  The refresh grant (``grant_type=refresh_token``) is Passport's
standard behaviour [I]: it answers a new pair and revokes the old refresh
token.  A wrong client is 401 ``invalid_client``; wrong user credentials
or a bad refresh token 400 ``invalid_grant`` / ``invalid_request`` [I:
league/oauth2-server codes].  An API request without a live token is 401
``{"message": "Unauthenticated."}``.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sandbox.aurpos.state import AurposSandbox, User
from sandbox.aurpos.wire import LOGIN_PAGE, ApiError, json_response

__all__ = ["TokenBook", "token_endpoint"]


@dataclass
class _Grant:
    user: str
    client: str
    expires_at: float


class TokenBook:
    """Access and refresh tokens issued by one sandbox."""

    def __init__(self, sb: AurposSandbox) -> None:
        self.sb = sb
        self.access: dict[str, _Grant] = {}
        self.refresh: dict[str, _Grant] = {}
        self.issued = 0

    def issue(self, user: str, client: str) -> dict:
        ttl = self.sb.knobs.token_ttl
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = _Grant(user, client, time.monotonic() + ttl)
        self.refresh[refresh] = _Grant(user, client, time.monotonic() + 30 * 86400)
        self.issued += 1
        return {
            "token_type": "Bearer",
            "expires_in": ttl,
            "access_token": access,
            "refresh_token": refresh,
        }

    def user_of(self, request: Request) -> User:
        """The user behind the request's bearer token, or 401."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.access.get(token) if scheme.lower() == "bearer" else None
        if grant is None or grant.expires_at <= time.monotonic():
            raise ApiError(401, "Unauthenticated.")
        return self.sb.users[grant.user]

    def expire_all(self) -> None:
        """Every access token expires now (refresh tokens stay valid)."""
        for grant in self.access.values():
            grant.expires_at = 0.0


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


def _oauth_error(status: int, code: str, message: str) -> Response:
    body = {"error": code, "error_description": message, "message": message}
    return json_response(body, status)


def _password_grant(book: TokenBook, form: dict[str, str], client: str) -> Response:
    user = book.sb.users.get(form.get("username", ""))
    if user is None or not secrets.compare_digest(user.password, form.get("password", "")):
        return _oauth_error(400, "invalid_grant", "The user credentials were incorrect.")
    return json_response(book.issue(user.username, client))


def _refresh_grant(book: TokenBook, form: dict[str, str], client: str) -> Response:
    grant = book.refresh.pop(form.get("refresh_token", ""), None)
    if grant is None or grant.client != client or grant.expires_at <= time.monotonic():
        return _oauth_error(400, "invalid_request", "The refresh token is invalid.")
    return json_response(book.issue(grant.user, client))


async def token_endpoint(book: TokenBook, request: Request) -> Response:
    """``POST /oauth/token``."""
    if book.sb.knobs.token_html:
        return HTMLResponse(LOGIN_PAGE, 200)
    form = await _form(request)
    client = book.sb.clients.get(form.get("client_id", ""))
    if client is None or not secrets.compare_digest(client.secret, form.get("client_secret", "")):
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    grant_type = form.get("grant_type", "")
    if grant_type == "password":
        return _password_grant(book, form, client.id)
    if grant_type == "refresh_token":
        return _refresh_grant(book, form, client.id)
    message = "The authorization grant type is not supported by the authorization server."
    return _oauth_error(400, "unsupported_grant_type", message)
