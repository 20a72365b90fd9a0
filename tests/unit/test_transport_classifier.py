"""RemoteClient's ``classifier``: a remote system reads a response before the retry
decision (an API that answers everything as one status says what it meant in its body)."""

from __future__ import annotations

import httpx
import pytest

from engine.errors import NotFoundError, TransientError
from engine.transport import Action, RemoteClient, RetryPolicy, Verdict

FAST = RetryPolicy(max_attempts=4, base_delay=0.0, jitter=False)


def _server(sent: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500, json={"message": "no such row"})

    return httpx.MockTransport(answer)


def _by_message(response: httpx.Response, verdict: Verdict) -> Verdict:
    if response.json().get("message") == "no such row":
        return Verdict(Action.FAIL, NotFoundError)
    return verdict


async def test_the_classifier_decides_before_the_retry() -> None:
    sent: list[httpx.Request] = []
    async with RemoteClient(
        system="pos", base_url="https://pos", retry=FAST, transport=_server(sent),
        classifier=_by_message,
    ) as client:  # fmt: skip
        with pytest.raises(NotFoundError):
            await client.request("GET", "items/1")
    assert len(sent) == 1 and client.stats.retries == 0


async def test_without_a_classifier_the_status_table_retries_the_500() -> None:
    sent: list[httpx.Request] = []
    async with RemoteClient(
        system="pos", base_url="https://pos", retry=FAST, transport=_server(sent)
    ) as client:
        with pytest.raises(TransientError):
            await client.request("GET", "items/1")
    assert len(sent) == FAST.max_attempts
