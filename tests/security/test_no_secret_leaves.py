"""No configured secret leaves tillsync: not on the terminal, in the logs, the state
file (stored exchanges, events) or a mail — with ``--debug`` logging every exchange.

One installation goes through what an admin does on day one and on a bad day:
import mappings, sync the catalog, register webhooks (the webhook secret is sent in
a request body), book orders (one is refused by KORONA and kept as a dead letter
with its request and response), read that dead letter, run doctor and the log,
run the service.  Everything produced is then scanned for every secret and for the
Basic-auth forms of the credentials; and the scan is shown to have material to
bite on (the exchanges really were logged and stored).
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.secret_sweep import SecretSweep, artefacts
from tests.security.installation import MAPPINGS, Installation, Shop, secured_shop

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]


def _buyable(shop: Shop) -> list[int]:
    with shop.sb.lock:
        return [pid for pid, p in sorted(shop.sb.products.items())
                if p.get("regular_price") and (p.get("stock_quantity") or 0) >= 5]  # fmt: skip


def _day_one_and_a_bad_day(inst: Installation, shop: Shop) -> int:
    """Returns the id of the order KORONA refused."""
    assert inst.run("mappings", "import", "-", stdin=MAPPINGS).returncode == 0
    assert inst.run("sync", "catalog", "--debug").returncode == 0, inst.outputs[-1]
    # the service is not running yet, so the creation ping fails: created, reported as failed
    assert inst.run("webhooks", "install", "--debug").returncode == 1, inst.outputs[-1]
    products = _buyable(shop)
    shop.sb.place_order([(products[0], 1)], status="completed")
    refused = shop.sb.place_order([(products[1], 2)], status="completed")
    shop.kb.delete(shop.sb.products[products[1]]["sku"])  # KORONA now refuses that line
    inst.run("sync", "orders", "--debug")
    inst.run("orders", "show", str(refused["id"]))
    inst.run("doctor")
    inst.run("logs")
    service = inst.spawn("run", "--headless", "--debug")
    time.sleep(3)
    service.send_signal(signal.SIGTERM)
    out, _ = service.communicate(timeout=30)
    inst.outputs.append(("run --headless --debug", out))
    return int(refused["id"])


def _stored(inst: Installation, order_id: int) -> tuple[str, str]:
    with sqlite3.connect(inst.folder / "state.db") as db:
        request, response = db.execute(
            "SELECT last_request, last_response FROM outbox WHERE woo_order_id = ?", (order_id,)
        ).fetchone()
    return request or "", response or ""


def test_no_secret_reaches_terminal_logs_state_or_mail(tmp_path: Path) -> None:
    folder = tmp_path / "tillsync"
    with secured_shop(tmp_path) as shop:
        inst = Installation(folder)
        inst.write(shop)
        refused = _day_one_and_a_bad_day(inst, shop)
        mails = [m.as_string() for m in shop.mailbox.messages]
    sweep = SecretSweep()
    for command, output in inst.outputs:
        sweep.check(output, f"output of `tillsync {command}`")
    files = list(artefacts(folder))
    sweep.check_files(files)
    for n, mail in enumerate(mails):
        sweep.check(mail, f"alert mail {n + 1}")
    assert sweep.findings == [], sweep.report()

    # … and the scan had something to look at
    request, response = _stored(inst, refused)
    assert request.startswith("POST ") and "authorization: ***" in request.lower()
    assert "UNRESOLVED_RELATION" in response
    shown = dict(inst.outputs)[f"orders show {refused}"]
    assert "UNRESOLVED_RELATION" in shown
    logged = "".join(p.read_text() for p in (folder / "logs").glob("*.log*"))
    assert "consumer_secret=***" in logged  # query-string auth, masked in the debug log
    assert '"secret": "***"' in logged  # the webhook secret, sent in a request body
    assert {p.name for p in files} >= {"state.db", "tillsync.log"}
    assert mails, "the refused order was mailed to the admin (over an SMTP login)"
