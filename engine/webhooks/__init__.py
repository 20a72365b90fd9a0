"""WooCommerce webhook receiver: verify, parse, hand to the outbox intake.

Usage::

    receiver = WebhookReceiver(secrets={"default": secret}, intake=outbox.intake)
    async with serve(receiver, port=8787) as server:
        ...  # WooCommerce delivers to {public base}/webhooks/default
"""

from engine.webhooks.backoffice import BackofficeEndpoint, BackofficeHooks
from engine.webhooks.delivery import (
    COUPON_TOPICS,
    CUSTOMER_TOPICS,
    ORDER_TOPICS,
    PRODUCT_TOPICS,
    Delivery,
    Hint,
    Intake,
    IntakeResult,
)
from engine.webhooks.receiver import ReceiverStats, SecretValue, WebhookReceiver
from engine.webhooks.server import DEFAULT_HOST, DEFAULT_PORT, WebhookServer, serve
from engine.webhooks.signature import signature_matches, webhook_signature

__all__ = [
    "COUPON_TOPICS",
    "CUSTOMER_TOPICS",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ORDER_TOPICS",
    "PRODUCT_TOPICS",
    "BackofficeEndpoint",
    "BackofficeHooks",
    "Delivery",
    "Hint",
    "Intake",
    "IntakeResult",
    "ReceiverStats",
    "SecretValue",
    "WebhookReceiver",
    "WebhookServer",
    "serve",
    "signature_matches",
    "webhook_signature",
]
