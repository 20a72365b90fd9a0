"""The ASGI app that receives WooCommerce order webhooks.

Order of checks, each one cheaper and less trusting than the next: known
connection (404) → body within the size limit, read as a stream (413) →
signature over the raw bytes (401; only an exact creation ping may skip
it) → JSON object (400) → topic → intake.  Until the signature has been
checked nothing of the body is looked at, and no body is ever logged:
log lines carry only connection, topic, length and remote address.

Unknown topics get 200, not an error: WooCommerce disables a webhook after
a few consecutive failures, and a webhook someone pointed at us with the
wrong topic should not turn into an alert storm — it is logged and dropped.
A 500 is answered only when the intake failed to record the delivery, so
WooCommerce retries exactly the deliveries we did not keep.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from engine.events import EventBus, Level, LogEvent
from engine.webhooks.backoffice import BackofficeHooks
from engine.webhooks.body import BodyTooLarge, read_limited
from engine.webhooks.delivery import (
    COUPON_TOPICS,
    CUSTOMER_TOPICS,
    ORDER_TOPICS,
    PRODUCT_TOPICS,
    Delivery,
    Hint,
    Intake,
)
from engine.webhooks.parsing import (
    PayloadError,
    build_delivery,
    decode_json_object,
    is_error_object,
    ping_webhook_id,
)
from engine.webhooks.signature import signature_matches

__all__ = ["ReceiverStats", "SecretValue", "WebhookReceiver"]

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-wc-webhook-signature"
TOPIC_HEADER = "x-wc-webhook-topic"


class _SecretLike(Protocol):
    def get_secret_value(self) -> str: ...


#: A webhook secret as a plain string or a pydantic ``SecretStr``.
SecretValue = str | _SecretLike


@dataclass(frozen=True)
class ReceiverStats:
    """Counters since start, for the dashboard and ``doctor``."""

    accepted: int = 0
    pings: int = 0
    ignored_topics: int = 0
    gone: int = 0
    bad_signatures: int = 0
    bad_payloads: int = 0
    too_large: int = 0
    unknown_connections: int = 0
    intake_failures: int = 0
    errors: int = 0
    busy: int = 0  # 503: too many deliveries in flight
    slow_bodies: int = 0  # 408: the body did not arrive within body_timeout
    hints: int = 0  # product deliveries handed to a connection that pushes


@dataclass(frozen=True)
class _Envelope:
    """The only facts about a request that are ever logged."""

    connection: str
    topic: str
    length: int
    remote: str

    def describe(self) -> str:
        return (
            f"connection={_loggable(self.connection)} topic={_loggable(self.topic) or '-'} "
            f"length={self.length} from={self.remote}"
        )


class _Refusal(Exception):
    """Ends a request early with ``status``; ``counter`` names the stats field."""

    def __init__(self, status: int, reason: str, counter: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.counter = counter


def _loggable(text: str, limit: int = 64) -> str:
    """Attacker-supplied text (URL path, headers) made safe for one log line."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
    return cleaned + ("…" if len(text) > limit else "")


def _secret_bytes(value: SecretValue) -> bytes:
    raw = value if isinstance(value, str) else value.get_secret_value()
    return raw.encode("utf-8")


class WebhookReceiver:
    """Verifies WooCommerce deliveries and hands order deliveries to ``intake``.

    One URL per connection: ``POST {path_prefix}/{connection}``, each with
    its own secret, so one tillsync can serve several stores.
    """

    def __init__(
        self,
        *,
        secrets: Mapping[str, SecretValue],
        intake: Intake,
        max_body_bytes: int = 1_048_576,
        path_prefix: str = "/webhooks",
        bus: EventBus | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        intake_timeout: float = 30.0,
        body_timeout: float = 20.0,
        max_in_flight: int = 64,
        backoffice: BackofficeHooks | None = None,
        hints: Mapping[str, Hint] | None = None,
    ) -> None:
        self._secrets: dict[str, bytes] = {}
        self._hints = dict(hints or {})  # connection -> its reaction to a product topic
        self.update_secrets(secrets)
        self._intake = intake
        self._intake_timeout = intake_timeout  # well inside WooCommerce's 60 s delivery timeout
        self._max_body_bytes = max_body_bytes
        self._body_timeout = body_timeout
        # deliveries being read or handed over; /health is not counted, so it keeps
        # answering while a flood holds every delivery slot
        self._max_in_flight = max_in_flight
        self._in_flight = 0
        self._prefix = "/" + path_prefix.strip("/") if path_prefix.strip("/") else ""
        self._bus = bus
        self._clock = clock
        self._counts: Counter[str] = Counter()
        routes = [
            Route(f"{self._prefix}/health", self._health, methods=["GET"]),
            Route(f"{self._prefix}/{{connection}}", self._receive, methods=["POST"]),
        ]
        if backoffice is not None:  # back offices that notify: see engine.webhooks.backoffice
            path = f"{self._prefix}/{{connection}}/backoffice"
            routes.append(Route(path, backoffice.receive, methods=["POST"]))
        self.app = Starlette(routes=routes)

    def __repr__(self) -> str:
        return f"WebhookReceiver(connections={sorted(self._secrets)}, prefix={self._prefix!r})"

    def update_secrets(self, secrets: Mapping[str, SecretValue]) -> None:
        """Replace the connection → secret table (config reload, secret rotation)."""
        self._secrets = {name: _secret_bytes(value) for name, value in secrets.items()}

    def path_for(self, connection: str) -> str:
        """The URL path WooCommerce must deliver to for ``connection``."""
        return f"{self._prefix}/{connection}"

    def stats(self) -> ReceiverStats:
        return ReceiverStats(**self._counts)

    async def _health(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def _receive(self, request: Request) -> Response:
        envelope = _Envelope(
            connection=request.path_params["connection"],
            topic=request.headers.get(TOPIC_HEADER, ""),
            length=0,
            remote=request.client.host if request.client else "-",
        )
        if self._in_flight >= self._max_in_flight:
            return self._refuse(_Refusal(503, "too many deliveries at once", "busy"), envelope)
        self._in_flight += 1
        try:
            secret = self._secret_for(envelope.connection)
            body = await self._read_body(request)
            envelope = replace(envelope, length=len(body))
            return await self._handle(request, envelope, secret, body)
        except _Refusal as refusal:
            return self._refuse(refusal, envelope)
        except ClientDisconnect:
            log.info("webhook client disconnected: %s", envelope.describe())
            return PlainTextResponse("disconnected", status_code=400)
        except Exception:  # a bug here must cost one request, never the app
            log.exception("webhook handler failed: %s", envelope.describe())
            self._counts["errors"] += 1
            return PlainTextResponse("internal error", status_code=500)
        finally:
            self._in_flight -= 1

    def _secret_for(self, connection: str) -> bytes:
        secret = self._secrets.get(connection)
        if secret is None:
            raise _Refusal(404, "unknown connection", "unknown_connections")
        return secret

    async def _handle(
        self, request: Request, envelope: _Envelope, secret: bytes, body: bytes
    ) -> Response:
        content_type = request.headers.get("content-type")
        ping_id = ping_webhook_id(content_type, body)
        signature = request.headers.get(SIGNATURE_HEADER)
        if signature is None and ping_id is None:
            raise _Refusal(401, "missing signature", "bad_signatures")
        if signature is not None and not signature_matches(body, secret, signature):
            raise _Refusal(401, "invalid signature", "bad_signatures")
        if ping_id is not None:
            return self._ping(ping_id, envelope)
        try:
            payload = decode_json_object(content_type, body)
        except PayloadError as exc:
            raise _Refusal(400, str(exc), "bad_payloads") from None
        return await self._dispatch(request, envelope, payload, body)

    async def _read_body(self, request: Request) -> bytes:
        try:
            async with asyncio.timeout(self._body_timeout):  # a body sent a byte a second
                return await read_limited(
                    request.stream(),
                    limit=self._max_body_bytes,
                    content_length=request.headers.get("content-length"),
                )
        except BodyTooLarge as exc:
            raise _Refusal(413, f"body too large ({exc})", "too_large") from None
        except TimeoutError:
            raise _Refusal(408, "body not received in time", "slow_bodies") from None

    def _ping(self, webhook_id: int, envelope: _Envelope) -> Response:
        log.info("webhook ping for webhook %d: %s", webhook_id, envelope.describe())
        self._counts["pings"] += 1
        return PlainTextResponse("ping")

    async def _dispatch(
        self, request: Request, envelope: _Envelope, payload: dict, body: bytes
    ) -> Response:
        hinted = envelope.topic in PRODUCT_TOPICS | CUSTOMER_TOPICS | COUPON_TOPICS
        if hinted and envelope.connection in self._hints:
            return await self._hint(envelope, payload)
        if envelope.topic not in ORDER_TOPICS:
            log.info("webhook topic not handled, ignored: %s", envelope.describe())
            self._counts["ignored_topics"] += 1
            return PlainTextResponse("ignored")
        if is_error_object(payload):
            log.warning("webhook for a resource gone before delivery: %s", envelope.describe())
            self._counts["gone"] += 1
            return PlainTextResponse("gone")
        try:
            delivery = build_delivery(
                connection=envelope.connection,
                topic=envelope.topic,
                payload=payload,
                body=body,
                headers=request.headers,
                received_at=self._clock(),
            )
        except PayloadError as exc:
            raise _Refusal(400, str(exc), "bad_payloads") from None
        return await self._hand_over(delivery, envelope)

    async def _hint(self, envelope: _Envelope, payload: dict) -> Response:
        """A verified product or customer delivery: the connection decides whether a push is due."""
        try:
            async with asyncio.timeout(self._intake_timeout):
                said = await self._hints[envelope.connection](envelope.topic, payload)
        except Exception as exc:  # a hint lost costs nothing: the next scheduled run reads it
            log.warning("push hint failed (%s): %s", type(exc).__name__, envelope.describe())
            said = "not noted"
        self._counts["hints"] += 1
        return PlainTextResponse(said)

    async def _hand_over(self, delivery: Delivery, envelope: _Envelope) -> Response:
        try:
            async with asyncio.timeout(self._intake_timeout):
                result = await self._intake(delivery)
        except Exception as exc:  # TimeoutError included: not recorded, so let it be retried
            log.error(
                "webhook intake failed for order %d (%s), WooCommerce will retry: %s",
                delivery.resource_id,
                type(exc).__name__,
                envelope.describe(),
            )
            log.debug("webhook intake traceback", exc_info=True)
            self._counts["intake_failures"] += 1
            return PlainTextResponse("intake failed", status_code=500)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "webhook order %d → %s: %s", delivery.resource_id, result, envelope.describe()
            )
        self._counts["accepted"] += 1
        return PlainTextResponse(str(result))

    def _refuse(self, refusal: _Refusal, envelope: _Envelope) -> Response:
        log.warning(
            "webhook refused (%d %s): %s", refusal.status, refusal.reason, envelope.describe()
        )
        self._counts[refusal.counter] += 1
        if self._bus is not None:
            self._bus.publish(
                LogEvent(
                    level=Level.WARNING,
                    job="webhooks",
                    connection=_loggable(envelope.connection),
                    text=f"webhook refused ({refusal.status} {refusal.reason})",
                    data={
                        "topic": _loggable(envelope.topic),
                        "length": envelope.length,
                        "remote": envelope.remote,
                    },
                )
            )
        return PlainTextResponse(refusal.reason, status_code=refusal.status)
