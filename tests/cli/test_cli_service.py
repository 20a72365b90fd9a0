"""``tillsync run --headless``: one instance per database, clean stop on SIGTERM, journald lines."""

from __future__ import annotations

import signal
import stat
import time

from .conftest import Sandboxes, buyable, free_port
from .installation import (
    ORDER_MAPPINGS,
    PUBLIC_URL,
    TAX_MAPPINGS,
    Installation,
    config_text,
    secrets_text,
)


def test_headless_run_refuses_a_second_instance_and_stops_cleanly_mid_job(
    install: Installation, sandboxes: Sandboxes
):
    config = config_text(
        sandboxes.woo_server,
        sandboxes.korona_server,
        install.folder,
        schedules="allow_fast = true",
        webhook_port=free_port(),
    ).replace('catalog = "off"', 'catalog = "every 2s"')
    install.write(config, secrets_text())
    assert install.run("mappings", "import", "-", stdin=TAX_MAPPINGS).code == 0
    sandboxes.korona.knobs.update(latency_ms=200)  # a catalog run takes about a second

    env = {"JOURNAL_STREAM": "8:12345"}  # as under systemd: no timestamps in the lines
    service = install.spawn("run", "--headless", env=env)
    running = service.wait_for("tillsync running as PID")
    assert service.lines[running].startswith(
        f"INFO tillsync: tillsync running as PID {service.pid}"
    )

    second = install.run("run", "--headless")
    assert second.code == 1
    assert f"another tillsync (PID {service.pid}) is running on {install.state_db}" in second.stderr

    started = service.wait_for("catalog started", after=len(service.lines))  # a fresh run
    service.send_signal(signal.SIGTERM)
    result = service.finish()
    assert result.code == 0, result.output
    after = service.lines[started:]
    told = _index(after, "SIGTERM received: finishing the work in flight")
    assert _index(after, "catalog ok") > told, result.output  # finished, not killed
    assert not any("catalog started" in line for line in after[told:]), result.output
    assert "stopped cleanly" in after[-1]

    assert install.query("PRAGMA integrity_check") == [("ok",)]
    runs = install.query("SELECT job, ok, finished_at IS NOT NULL FROM runs")
    assert runs and set(runs) == {("catalog", 1, 1)}, runs
    log_file = install.folder / "logs" / "tillsync.log"
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert "catalog ok" in log_file.read_text()
    install.assert_logs_clean()


def _index(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


def test_headless_run_receives_a_webhook_order_and_books_it(
    install: Installation, sandboxes: Sandboxes
):
    """The whole service path: webhooks registered at start, a shop order delivered to the
    receiver, booked in KORONA by the worker, doctor green meanwhile, clean stop."""
    port = free_port()
    hook_base = f"http://127.0.0.1:{port}/webhooks"
    config = config_text(
        sandboxes.woo_server, sandboxes.korona_server, install.folder, webhook_port=port
    ).replace(PUBLIC_URL, hook_base)
    install.write(config, secrets_text())
    sandboxes.woo.webhook_delay = 0.05
    assert install.run("mappings", "import", "-", stdin=ORDER_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0

    service = install.spawn("run", "--headless")
    service.wait_for(f"webhooks deliver to {hook_base}/shop1")
    products = buyable(sandboxes.woo)
    order = sandboxes.woo.place_order(
        [(products[0], 2), (products[1], 1)], payment_method="bacs", status="completed"
    )
    deadline = time.monotonic() + 15
    while not sandboxes.korona.receipts() and time.monotonic() < deadline:
        time.sleep(0.1)
    doctor = install.run("doctor")  # beside the running service
    service.send_signal(signal.SIGTERM)
    result = service.finish()
    assert result.code == 0, result.output

    [receipt] = sandboxes.korona.receipts()
    assert str(order["id"]) in str(receipt)
    assert doctor.code == 0, doctor.output
    assert "4 active order webhooks deliver to" in doctor.stdout
    assert f"an engine is running on it (PID {service.pid})" in doctor.stdout
    assert install.query("SELECT woo_order_id, state FROM outbox") == [(order["id"], "done")]
    install.assert_logs_clean()
