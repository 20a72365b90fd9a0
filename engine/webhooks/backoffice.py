"""Back-office notifications: ``POST {prefix}/<connection>/backoffice``.

For back offices that notify (a sale confirmed after a 202, event
subscriptions).  Each back office signs differently (an HMAC header, an
authorization key), so the check belongs to its adapter:
``Backend.parse_notification(headers, body)`` verifies, then parses into a
:class:`~engine.backends.base.BackofficeEvent`.  The promise is the same as
for WooCommerce deliveries: the event is handed to the connection's intake,
which records it durably, *before* 200 is answered; a back office retries
anything we did not keep (500).

Unknown connection 404, body too large 413, check failed 401, body not
understood 400: nothing is stored in any of those cases, and no body is
ever logged (connection, length and remote address only).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response

from engine.backends.records import BackofficeEvent
from engine.errors import AuthError, TillsyncError
from engine.webhooks.body import BodyTooLarge, read_limited

__all__ = ["BackofficeEndpoint", "BackofficeHooks"]

log = logging.getLogger(__name__)

#: The adapter's check and parse (``Backend.parse_notification``).
NotificationParser = Callable[[Mapping[str, str], bytes], Awaitable[BackofficeEvent]]
#: Records the event durably and says what became of it (echoed in the 200 body).
EventIntake = Callable[[BackofficeEvent], Awaitable[str]]


@dataclass(frozen=True)
class BackofficeEndpoint:
    """One connection's back-office notifications: who checks them, who keeps them."""

    parse: NotificationParser
    intake: EventIntake


def _printable(text: str, limit: int = 64) -> str:
    """Attacker-supplied text (the URL path) made safe for one log line."""
    return "".join(ch if ch.isprintable() else "?" for ch in text[:limit])


class BackofficeHooks:
    """The route handler; mount it with :meth:`WebhookReceiver` ``backoffice=``."""

    def __init__(
        self,
        endpoints: Mapping[str, BackofficeEndpoint],
        *,
        max_body_bytes: int = 1_048_576,
        body_timeout: float = 20.0,
        intake_timeout: float = 30.0,
    ) -> None:
        self.endpoints = dict(endpoints)
        self._max_body_bytes = max_body_bytes
        self._body_timeout = body_timeout
        self._intake_timeout = intake_timeout
        self.counts: Counter[str] = Counter()

    async def receive(self, request: Request) -> Response:
        connection = request.path_params["connection"]
        where = (
            f"connection={connection[:64]!r} from={request.client.host if request.client else '-'}"
        )
        endpoint = self.endpoints.get(connection)
        if endpoint is None:
            return self._refuse(404, "unknown connection", where)
        try:
            body = await self._read(request)
        except BodyTooLarge:
            return self._refuse(413, "body too large", where)
        except (TimeoutError, ClientDisconnect):
            return self._refuse(408, "body not received", where)
        try:
            event = await endpoint.parse(request.headers, body)
        except AuthError:
            return self._refuse(401, "notification not authorized", f"{where} length={len(body)}")
        except TillsyncError as exc:
            log.info("back-office notification not understood: %s (%s)", where, exc.message)
            return self._refuse(400, "notification not understood", where)
        return await self._keep(endpoint, event, where)

    async def _read(self, request: Request) -> bytes:
        async with asyncio.timeout(self._body_timeout):
            return await read_limited(
                request.stream(),
                limit=self._max_body_bytes,
                content_length=request.headers.get("content-length"),
            )

    async def _keep(self, endpoint: BackofficeEndpoint, event: BackofficeEvent, where: str):
        try:
            async with asyncio.timeout(self._intake_timeout):
                outcome = await endpoint.intake(event)
        except Exception as exc:  # not recorded: the back office must send it again
            log.error("back-office notification not kept (%s): %s", type(exc).__name__, where)
            log.debug("back-office intake traceback", exc_info=True)
            self.counts["intake_failures"] += 1
            return PlainTextResponse("intake failed", status_code=500)
        self.counts["accepted"] += 1
        log.info("back-office notification %s → %s: %s", _printable(event.topic), outcome, where)
        return PlainTextResponse(outcome)

    def _refuse(self, status: int, reason: str, where: str) -> Response:
        log.warning("back-office notification refused (%d %s): %s", status, reason, where)
        self.counts[f"refused_{status}"] += 1
        return PlainTextResponse(reason, status_code=status)
