"""What the control socket's client says when the service misbehaves or vanishes.

``httpx.MockTransport`` here, because a real service cannot be made to answer
plain text or drop a connection half-way on cue; the loopback behaviour is
in tests/integration/test_control_socket.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.errors import ConfigError, TillsyncError
from engine.runtime.control import RemoteEngine, ServiceGone
from engine.runtime.control.calls import call_method


def _remote(handler: Any) -> RemoteEngine:
    remote = RemoteEngine(config=None, socket_path=Path("/nonexistent.sock"))  # type: ignore[arg-type]
    remote._client = httpx.AsyncClient(
        transport=httpx.MockTransport(handler), base_url="http://tillsync.service"
    )
    return remote


async def test_a_non_json_answer_is_said_with_its_status():
    remote = _remote(lambda request: httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(TillsyncError, match=r"answered something unexpected \(HTTP 502\)"):
        await remote.orders_retry(1, "shop1")


async def test_a_refused_connect_sent_nothing_and_says_whether_it_only_read():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    remote = _remote(refuse)
    with pytest.raises(ServiceGone, match="nothing was sent") as action:
        await remote.orders_retry(1, "shop1")
    assert not action.value.reads
    with pytest.raises(ServiceGone) as read:
        await remote.order_counts("shop1")
    assert read.value.reads


async def test_a_connection_lost_half_way_says_the_action_may_have_been_made():
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    with pytest.raises(ServiceGone, match="went away before answering") as lost:
        await _remote(drop).orders_skip(1, "test", "shop1")
    assert "may or may not have been made" in lost.value.hint


async def test_a_refusal_of_kind_config_is_a_config_error():
    error = {"type": "ConfigFileError", "message": "bad file", "hint": "fix it", "kind": "config"}
    remote = _remote(lambda request: httpx.Response(422, json={"error": error}))
    with pytest.raises(ConfigError, match="bad file"):
        await remote.reload()


def test_an_argument_the_method_does_not_take_is_refused_here():
    with pytest.raises(TypeError):
        call_method("orders_retry", (1,), {"no_such": True})
