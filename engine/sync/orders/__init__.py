"""Orders: WooCommerce orders into the back office, exactly once.

Wiring (the runtime does this per connection)::

    worker = OrderWorker(ctx, alerts, trigger_status="completed", void_on=("cancelled", "refunded"))
    intake = OrderIntake(ctx, worker.rules, on_new=worker.wake)
    receiver = WebhookReceiver(secrets=…, intake=IntakeRouter({ctx.connection: intake}))
    await OrderPoll(ctx, intake).run()                            # scheduled safety net
    await worker.run_forever(stop_event)                          # or: await worker.drain()
    await install_webhooks(ctx.woo, url)  /  await check_webhook_health(ctx.woo, url, alerts)

Held orders (``needs mapping: …``) are released with
``store.outbox.release_held(connection)`` once the mapping is fixed; the next
drain checks them again.  Payment gateways for the mapping screen come from
:func:`payment_gateways`.
"""

from engine.sync.orders.booking import (
    Booking,
    BookingCheck,
    BookingOutcome,
    Prepared,
    TotalsCheck,
    check_totals,
)
from engine.sync.orders.failures import HoldKind, HoldReason, hold_kind, kind_of
from engine.sync.orders.gateways import GatewayMapping, payment_gateways
from engine.sync.orders.intake import NOT_BOOKED, IntakeRouter, OrderIntake
from engine.sync.orders.mapping import (
    OrderDataError,
    booking_fingerprint,
    order_from_woo,
    parse_amount,
)
from engine.sync.orders.poll import ORDERS_CURSOR, OrderPoll, PollReport
from engine.sync.orders.rules import STOCK_REDUCING_STATUSES, OrderRules, sale_key
from engine.sync.orders.voids import ORDER_LINK
from engine.sync.orders.watch import OrderWatch, WatchCheck
from engine.sync.orders.webhook_setup import (
    WEBHOOK_TOPICS,
    WebhookHealth,
    WebhookInstall,
    check_webhook_health,
    install_webhooks,
    new_webhook_secret,
)
from engine.sync.orders.worker import DrainReport, OrderWorker
from engine.sync.orders.writeback import RECEIPT_META, WRITEBACK_KIND, ReceiptWriteBack

__all__ = [
    "NOT_BOOKED",
    "ORDERS_CURSOR",
    "ORDER_LINK",
    "RECEIPT_META",
    "STOCK_REDUCING_STATUSES",
    "WEBHOOK_TOPICS",
    "WRITEBACK_KIND",
    "Booking",
    "BookingCheck",
    "BookingOutcome",
    "DrainReport",
    "GatewayMapping",
    "HoldKind",
    "HoldReason",
    "IntakeRouter",
    "OrderDataError",
    "OrderIntake",
    "OrderPoll",
    "OrderRules",
    "OrderWatch",
    "OrderWorker",
    "PollReport",
    "Prepared",
    "ReceiptWriteBack",
    "TotalsCheck",
    "WatchCheck",
    "WebhookHealth",
    "WebhookInstall",
    "booking_fingerprint",
    "check_totals",
    "check_webhook_health",
    "hold_kind",
    "install_webhooks",
    "kind_of",
    "new_webhook_secret",
    "order_from_woo",
    "parse_amount",
    "payment_gateways",
    "sale_key",
]
