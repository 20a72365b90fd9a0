"""``tillsync run --headless``: one instance per database, clean stop on SIGTERM, journald lines."""

from __future__ import annotations

import signal
import stat
import subprocess
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


def _wait_for(process: subprocess.Popen[str], text: str, seen: list[str], timeout: float) -> None:
    """Read the service's stdout until a line contains ``text``."""
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return
    process.kill()
    raise AssertionError(f"{text!r} never appeared in:\n{''.join(seen)}")


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
    sandboxes.korona.knobs.update(latency_ms=200)  # a catalog run takes seconds

    env = {"JOURNAL_STREAM": "8:12345"}  # as under systemd: no timestamps in the lines
    service = install.spawn("run", "--headless", env=env)
    seen: list[str] = []
    _wait_for(service, "tillsync running as PID", seen, timeout=20)
    assert seen[-1].startswith(f"INFO tillsync: tillsync running as PID {service.pid}")

    second = install.run("run", "--headless")
    assert second.code == 1
    assert f"another tillsync (PID {service.pid}) is running on {install.state_db}" in second.stderr

    _wait_for(service, "catalog started", seen, timeout=20)
    service.send_signal(signal.SIGTERM)
    result = install.finish(service)
    assert result.code == 0, "".join(seen) + result.output
    after = result.stdout
    assert "SIGTERM received: finishing the work in flight" in after
    assert after.index("SIGTERM received") < after.index("catalog ok")  # finished, not killed
    assert "stopped cleanly" in after

    assert install.query("PRAGMA integrity_check") == [("ok",)]
    assert install.query("SELECT job, ok, finished_at IS NOT NULL FROM runs") == [("catalog", 1, 1)]
    log_file = install.folder / "logs" / "tillsync.log"
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert "catalog ok" in log_file.read_text()


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
    seen: list[str] = []
    _wait_for(service, f"webhooks deliver to {hook_base}/shop1", seen, timeout=20)
    products = buyable(sandboxes.woo)
    order = sandboxes.woo.place_order(
        [(products[0], 2), (products[1], 1)], payment_method="bacs", status="completed"
    )
    deadline = time.monotonic() + 15
    while not sandboxes.korona.receipts() and time.monotonic() < deadline:
        time.sleep(0.1)
    doctor = install.run("doctor")  # beside the running service
    service.send_signal(signal.SIGTERM)
    result = install.finish(service)
    assert result.code == 0, "".join(seen) + result.output

    [receipt] = sandboxes.korona.receipts()
    assert str(order["id"]) in str(receipt)
    assert doctor.code == 0, doctor.output
    assert "4 active order webhooks deliver to" in doctor.stdout
    assert f"an engine is running on it (PID {service.pid})" in doctor.stdout
    assert install.query("SELECT woo_order_id, state FROM outbox") == [(order["id"], "done")]
