"""Laravel Passport tokens for the Connector API.

WHY here: every request needs a live bearer token, renewed *before* it
expires (Passport answers ``expires_in``) and again when the server says 401
anyway (a revoked token, clock skew).  :class:`PassportAuth` is the httpx
auth flow that adds the header and retries once after a 401;
:class:`TokenKeeper` gets tokens from ``/oauth/token`` on its own small
client, one renewal at a time for concurrent requests.  The password grant
is documented [V-doc]; the refresh grant is standard Passport behaviour
[I], so a refused refresh falls back to the password grant.

A token endpoint that answers an HTML page (the POS's login page, a wrong
host or ``/public`` base path) is a configuration error naming the URL.
Tokens, the client secret and the password never enter a message; every
token is handed to ``on_secret`` so the transport redacts it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from engine.errors import AuthError, ConfigError, TransientError

__all__ = ["PassportAuth", "PassportCredentials", "TokenKeeper"]

_EARLY = 60.0  # renew this many seconds before the token expires


@dataclass(frozen=True)
class PassportCredentials:
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str = ""
    password: str = field(default="", repr=False)


@dataclass
class _Token:
    access: str = field(repr=False)
    refresh: str = field(repr=False)
    expires_at: float


def _html_error(url: str) -> ConfigError:
    return ConfigError(
        f"the token endpoint {url} answered an HTML page, not an OAuth token",
        hint="Check the host and the base path (/public on shared hosting): "
        "the POS's web pages answered instead of its Passport API.",
    )


def token_body(response: httpx.Response, url: str) -> dict[str, Any]:
    """The JSON of a token answer, or the error an admin can act on."""
    try:
        body = json.loads(response.content)
    except ValueError:
        if response.status_code >= 500:
            raise TransientError(f"{url} answered {response.status_code}") from None
        raise _html_error(url) from None
    if not isinstance(body, dict):
        raise _html_error(url)
    if response.status_code == 200 and body.get("access_token"):
        return body
    if response.status_code >= 500:
        raise TransientError(f"{url} answered {response.status_code}", status=response.status_code)
    code = str(body.get("error") or "")
    if code == "invalid_client":
        raise AuthError("AurPOS refused the OAuth client id or secret", status=401, code=code)
    if code == "invalid_grant":
        raise AuthError("AurPOS refused the user name or password", status=400, code=code)
    raise AuthError(f"AurPOS token endpoint {url} refused: {code or response.status_code}")


class TokenKeeper:
    """Holds the current token; renews it early, or when a request saw 401."""

    def __init__(
        self,
        credentials: PassportCredentials,
        http: httpx.AsyncClient,
        on_secret: Callable[[str], None] = lambda _secret: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.credentials = credentials
        self._http = http
        self._on_secret = on_secret
        self._clock = clock
        self._token: _Token | None = None
        self._lock = asyncio.Lock()
        self.grants = 0  # tokens obtained, password or refresh grant

    def _fresh(self) -> bool:
        return self._token is not None and self._token.expires_at - _EARLY > self._clock()

    async def bearer(self, stale: str | None = None) -> str:
        """A live access token; ``stale`` is one the server refused (renew it)."""
        async with self._lock:
            current = self._token
            if current is None or not self._fresh() or current.access == stale:
                await self._renew()
            assert self._token is not None
            return self._token.access

    async def _renew(self) -> None:
        if self._token is not None and self._token.refresh:
            response = await self._post(refresh=True)
            if response.status_code == 200:
                self._accept(response)
                return
        self._accept(await self._post(refresh=False))

    async def _post(self, refresh: bool) -> httpx.Response:
        c = self.credentials
        data = {"client_id": c.client_id, "client_secret": c.client_secret, "scope": ""}
        if refresh and self._token is not None:
            data |= {"grant_type": "refresh_token", "refresh_token": self._token.refresh}
        else:
            data |= {"grant_type": "password", "username": c.username, "password": c.password}
        try:
            return await self._http.post(c.token_url, data=data)
        except httpx.HTTPError as error:
            name = type(error).__name__
            raise TransientError(f"cannot reach the token endpoint {c.token_url}: {name}") from None

    def _accept(self, response: httpx.Response) -> None:
        body = token_body(response, self.credentials.token_url)
        access, refresh = str(body["access_token"]), str(body.get("refresh_token") or "")
        for secret in (access, refresh):
            if secret:
                self._on_secret(secret)
        expires_in = float(body.get("expires_in") or 3600)
        self._token = _Token(access, refresh, self._clock() + expires_in)
        self.grants += 1

    async def aclose(self) -> None:
        await self._http.aclose()


class PassportAuth(httpx.Auth):
    """Adds ``Authorization: Bearer …``; after a 401, renews once and resends."""

    def __init__(self, keeper: TokenKeeper) -> None:
        self.keeper = keeper

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.keeper.bearer()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = await self.keeper.bearer(stale=token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request
