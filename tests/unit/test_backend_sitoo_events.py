"""Sitoo Events SPI batches as the adapter reads them: Basic auth, jobs per event kind."""

from __future__ import annotations

import base64
import json

import pytest

from engine.backends.sitoo.events import parse_events
from engine.errors import AuthError, ValidationError


def _batch(*kinds: str) -> bytes:
    return json.dumps([
        {"event_id": f"e{n}", "event_type": k, "event_date": 1, "account_id": "1",
         "data": {"order_id": n}}
        for n, k in enumerate(kinds)
    ]).encode()  # fmt: skip


def _auth(user: str, password: str) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_jobs_follow_the_event_kinds() -> None:
    assert parse_events({}, _batch("z-report"), None, None).jobs == ()
    assert parse_events({}, _batch("warehouse-transaction"), None, None).jobs == ("stock",)
    assert parse_events({}, _batch("order"), None, None, imports_orders=True).jobs == (
        "stock",
        "orders_poll",
    )


def test_unknown_kinds_are_kept_not_refused_and_bad_auth_or_bodies_are() -> None:
    event = parse_events(_auth("u", "p"), _batch("mystery"), "u", "p", mode="test")
    assert event.topic == "sitoo[test] events: mystery×1" and event.jobs == ()
    with pytest.raises(AuthError):
        parse_events(_auth("u", "wrong"), _batch("order"), "u", "p")
    with pytest.raises(ValidationError):
        parse_events({}, b'{"event_type": "order"}', None, None)
