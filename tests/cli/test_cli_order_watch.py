"""The running service books an order within seconds while the shop's webhooks are late.

The WooCommerce sandbox runs its Action Scheduler model with a real site's
one-minute WP-cron interval, so no webhook delivery can arrive during the
test: the order reaches KORONA through the service's light order watch.
"""

from __future__ import annotations

import signal
import time

from .conftest import Sandboxes, buyable, free_port
from .installation import ORDER_MAPPINGS, PUBLIC_URL, Installation, config_text, secrets_text

WATCH = """
[connections.shop1.orders]
watch_seconds = 0.5
"""


def test_service_books_an_order_by_the_watch_before_any_webhook(
    install: Installation, sandboxes: Sandboxes
):
    port = free_port()
    hook_base = f"http://127.0.0.1:{port}/webhooks"
    config = config_text(
        sandboxes.woo_server, sandboxes.korona_server, install.folder, webhook_port=port
    ).replace(PUBLIC_URL, hook_base)
    install.write(config + WATCH, secrets_text())
    sandboxes.woo.cron_interval = 60.0  # Action Scheduler: deliveries wait for WP-cron
    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0  # its first request ran WP-cron

    service = install.spawn("run", "--headless")
    service.wait_for(f"webhooks deliver to {hook_base}/shop1")
    products = buyable(sandboxes.woo)
    placed_at = time.monotonic()
    order = sandboxes.woo.place_order([(products[0], 1)], payment_method="bacs", status="completed")
    deadline = placed_at + 20
    while not sandboxes.korona.receipts() and time.monotonic() < deadline:
        time.sleep(0.1)
    booked_after = time.monotonic() - placed_at
    service.send_signal(signal.SIGTERM)
    result = service.finish()
    assert result.code == 0, result.output

    assert [r for r in sandboxes.korona.receipts() if str(order["id"]) in str(r)]
    assert booked_after < 10
    assert install.query("SELECT woo_order_id, state, source FROM outbox") == [
        (order["id"], "done", "poll")
    ]
    with sandboxes.woo.lock:
        assert sandboxes.woo.deliveries.log == []  # no webhook was sent meanwhile
    install.assert_logs_clean()
