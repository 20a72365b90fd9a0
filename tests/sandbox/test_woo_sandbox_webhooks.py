"""Webhook ping, signed asynchronous deliveries, merging and auto-disable (§9, §13)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from sandbox.server import serve_in_thread

from . import running_store

SECRET = "whsec-0123456789"


class Receiver:
    """A tiny HTTP endpoint that records every request and answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        self.app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])

    async def _hook(self, request: Request) -> PlainTextResponse:
        self.requests.append((dict(request.headers), await request.body()))
        return PlainTextResponse("ok", self.status)

    def deliveries(self) -> list[tuple[dict[str, str], bytes]]:
        return [(h, b) for h, b in self.requests if "x-wc-webhook-topic" in h]


def wait_for(predicate: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


@pytest.fixture
def world():
    receiver = Receiver()
    with serve_in_thread(receiver.app) as hook_server, running_store(products=10) as store:
        sb, _, client = store
        sb.webhook_delay = 0.15
        yield sb, client, receiver, f"{hook_server.url}/hook"


def _subscribe(client, url: str, topic: str) -> dict:
    response = client.post(
        "webhooks", {"name": topic, "topic": topic, "delivery_url": url, "secret": SECRET}
    )
    assert response.status_code == 201, response.text
    return response.json()


def _product(sb) -> int:
    return next(
        pid
        for pid, p in sb.products.items()
        if p.get("status", "publish") == "publish"
        and p.get("type") != "variable"
        and p.get("stock_quantity", 10) > 3
    )


def test_creation_pings_synchronously_form_encoded_and_unsigned(world) -> None:
    _, client, receiver, url = world
    hook = _subscribe(client, url, "order.created")
    assert len(receiver.requests) == 1  # already there when the 201 came back
    headers, body = receiver.requests[0]
    assert body == f"webhook_id={hook['id']}".encode()
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert "x-wc-webhook-signature" not in headers
    assert headers["user-agent"] == "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)"
    assert "secret" not in hook and (hook["resource"], hook["event"]) == ("order", "created")


def test_delivery_is_signed_over_the_raw_body(world) -> None:
    sb, client, receiver, url = world
    hook = _subscribe(client, url, "order.created")
    order = sb.place_order([(_product(sb), 1)], payment_method="cod")
    assert receiver.deliveries() == []  # asynchronous: nothing yet
    wait_for(lambda: len(receiver.deliveries()) == 1)
    headers, body = receiver.deliveries()[0]
    expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    assert headers["x-wc-webhook-signature"] == expected
    assert (
        headers["x-wc-webhook-topic"],
        headers["x-wc-webhook-resource"],
        headers["x-wc-webhook-event"],
    ) == ("order.created", "order", "created")
    assert headers["x-wc-webhook-id"] == str(hook["id"])
    assert headers["x-wc-webhook-source"] == sb.site_url + "/"
    assert len(headers["x-wc-webhook-delivery-id"]) == 32
    assert b"\\/" in body  # PHP escapes slashes: verify over the raw bytes
    assert json.loads(body)["id"] == order["id"]


def test_events_merge_and_the_payload_is_built_at_send_time(world) -> None:
    sb, client, receiver, url = world
    sb.webhook_delay = 0.5  # room for the three events to land before the first send
    _subscribe(client, url, "order.created")
    _subscribe(client, url, "order.updated")
    order = sb.place_order([(_product(sb), 1)], payment_method="cod", status="processing")
    sb.set_order_status(order["id"], "on-hold")
    sb.set_order_status(order["id"], "completed")
    # both queued deliveries sent and nothing left queued: no third one can come
    wait_for(lambda: len(sb.deliveries.log) >= 2 and not sb.deliveries.pending)
    topics = sorted(h["x-wc-webhook-topic"] for h, _ in receiver.deliveries())
    assert topics == ["order.created", "order.updated"]  # three updates merged into one
    assert {json.loads(b)["status"] for _, b in receiver.deliveries()} == {"completed"}
    assert sb.deliveries.merged >= 2


def test_a_resource_deleted_before_sending_yields_the_signed_404_body(world) -> None:
    sb, client, receiver, url = world
    _subscribe(client, url, "product.updated")
    pid = _product(sb)
    assert client.put(f"products/{pid}", {"regular_price": "1.23"}).status_code == 200
    assert client.delete(f"products/{pid}", force="true").status_code == 200
    wait_for(lambda: len(receiver.deliveries()) == 1)
    headers, body = receiver.deliveries()[0]
    assert json.loads(body) == {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }
    expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    assert headers["x-wc-webhook-signature"] == expected


def test_seventh_consecutive_failure_disables_and_success_resets(world) -> None:
    sb, client, receiver, url = world
    sb.webhook_delay = 0.0
    hook = _subscribe(client, url, "product.updated")
    pid = _product(sb)
    receiver.status = 500

    def touch(n: int) -> None:
        assert client.put(f"products/{pid}", {"menu_order": n}).status_code == 200
        wait_for(lambda: len(sb.deliveries.log) == n)  # logged once the answer came back

    for n in range(1, 4):
        touch(n)
    assert sb.webhooks[hook["id"]]["failure_count"] == 3
    receiver.status = 302  # 200..302 counts as success
    touch(4)
    assert sb.webhooks[hook["id"]]["failure_count"] == 0
    receiver.status = 503
    for n in range(5, 11):
        touch(n)
    assert (sb.webhooks[hook["id"]]["status"], sb.webhooks[hook["id"]]["failure_count"]) == (
        "active",
        6,
    )
    touch(11)
    assert sb.webhooks[hook["id"]]["status"] == "disabled"
    assert client.get(f"webhooks/{hook['id']}").json()["status"] == "disabled"
    assert client.put(f"products/{pid}", {"menu_order": 99}).status_code == 200
    assert not sb.deliveries.pending  # the update queued nothing for a disabled hook
    assert len(sb.deliveries.log) == len(receiver.deliveries()) == 11  # no more deliveries


def test_webhook_delete_needs_force(world) -> None:
    _, client, _, url = world
    hook = _subscribe(client, url, "customer.created")
    refused = client.delete(f"webhooks/{hook['id']}")
    assert (refused.status_code, refused.json()["code"]) == (
        501,
        "woocommerce_rest_trash_not_supported",
    )
    assert client.delete(f"webhooks/{hook['id']}", force="true").status_code == 200
    bad = client.post("webhooks", {"topic": "order.shipped", "delivery_url": url}).json()
    assert bad["code"] == "woocommerce_rest_shop_webhook_invalid_topic"


def test_reactivating_keeps_the_failure_count_so_one_failure_disables_again(world) -> None:
    sb, client, receiver, url = world
    sb.webhook_delay = 0.0
    sb.max_webhook_failures = 1  # disabled on the 3rd consecutive failure
    hook = _subscribe(client, url, "product.updated")
    pid = _product(sb)
    receiver.status = 503
    for n in range(1, 4):
        assert client.put(f"products/{pid}", {"menu_order": n}).status_code == 200
        wait_for(lambda n=n: len(sb.deliveries.log) == n)
    assert client.get(f"webhooks/{hook['id']}").json()["status"] == "disabled"
    again = client.put(f"webhooks/{hook['id']}", {"status": "active"})
    assert again.json()["status"] == "active"
    assert sb.webhooks[hook["id"]]["failure_count"] == 2  # kept, as a real shop keeps it
    assert client.put(f"products/{pid}", {"menu_order": 4}).status_code == 200
    wait_for(lambda: len(sb.deliveries.log) == 4)
    assert client.get(f"webhooks/{hook['id']}").json()["status"] == "disabled"


def test_the_shop_creates_the_webhook_even_when_its_ping_fails(world) -> None:
    sb, client, receiver, url = world
    receiver.status = 503
    hook = _subscribe(client, url, "order.updated")  # 201 all the same
    assert hook["status"] == "active"
    assert sb.deliveries.pings == [(hook["id"], 503)]


CRON = 0.6  # seconds between two Action Scheduler runs (60 s on a real site)


def test_action_scheduler_sends_only_when_the_site_gets_a_request(world) -> None:
    sb, client, receiver, url = world
    _subscribe(client, url, "order.created")
    _subscribe(client, url, "order.updated")
    assert client.get("system_status").status_code == 200  # this request runs the queue now
    sb.cron_interval = CRON
    runs = sb.deliveries.cron_runs
    order = sb.place_order([(_product(sb), 1)], payment_method="cod", status="processing")
    time.sleep(CRON * 1.5)  # a quiet site: nothing runs WP-cron, whatever the wait
    assert receiver.deliveries() == [] and sb.deliveries.cron_runs == runs
    sb.set_order_status(order["id"], "completed")  # absorbed by the pending delivery
    assert sb.deliveries.merged >= 1
    response = httpx.get(f"{sb.site_url}/wp-cron.php")  # what a system cron job requests
    assert (response.status_code, response.content) == (200, b"")
    wait_for(lambda: len(receiver.deliveries()) == 2)
    assert sb.deliveries.cron_runs == runs + 1
    topics = sorted(h["x-wc-webhook-topic"] for h, _ in receiver.deliveries())
    assert topics == ["order.created", "order.updated"]  # a new order: created + updated
    assert {json.loads(b)["status"] for _, b in receiver.deliveries()} == {"completed"}


def test_action_scheduler_runs_at_most_once_per_interval(world) -> None:
    sb, client, receiver, url = world
    _subscribe(client, url, "order.updated")
    sb.cron_interval = CRON
    client.get("system_status")  # the run due since start happens here
    ran_at = time.monotonic()
    order = sb.place_order([(_product(sb), 1)], payment_method="cod", status="processing")
    started = time.monotonic()
    while time.monotonic() - started < CRON * 0.5:  # busy site, but the last run was just now
        assert client.get(f"orders/{order['id']}").status_code == 200
    assert receiver.deliveries() == []
    visit = f"{sb.site_url}/"  # a visitor on the home page is site traffic too
    wait_for(lambda: httpx.get(visit).status_code == 200 and len(receiver.deliveries()) == 1)
    assert time.monotonic() - ran_at >= CRON


def test_order_deleted_carries_only_the_id(world) -> None:
    sb, client, receiver, url = world
    _subscribe(client, url, "order.deleted")
    order = sb.place_order([(_product(sb), 1)], payment_method="cod", status="processing")
    assert client.delete(f"orders/{order['id']}", force="true").status_code == 200
    wait_for(lambda: len(receiver.deliveries()) == 1)
    assert json.loads(receiver.deliveries()[0][1]) == {"id": order["id"]}
