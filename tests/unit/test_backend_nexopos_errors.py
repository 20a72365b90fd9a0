"""NexoPOS's 500s classified by their message, and the pacer's arithmetic (no I/O)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from engine.backends.nexopos.errors import (
    THROTTLE_MESSAGE,
    PacedTransport,
    StockShortage,
    classify,
    verdict_of,
)
from engine.errors import Capture, NotFoundError, RemoteError, TransientError, ValidationError
from engine.transport import Action, classify_response


def _error(message: str, status: int = 500) -> RemoteError:
    body = json.dumps({"status": "error", "message": message, "previous": "x"})
    capture = Capture("POST", "https://pos/api/orders", status=status, response_body=body)
    return TransientError(f"nexopos: POST /api/orders → {status}", status=status, capture=capture)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Unable to proceed, there is not enough stock for Tea using the unit Piece. "
         "Requested : 5, available 2", StockShortage),
        ('Undefined array key "customer_id"', ValidationError),
        ("The first name field is required. (and 1 more error)", ValidationError),
        ("Unable to find the customer using the provided id 99999.", ValidationError),
        ("SQLSTATE[HY000]: General error: 1364 Field 'username' doesn't have a default value",
         ValidationError),
        ("Server Error", TransientError),
    ],
)  # fmt: skip
def test_a_500_is_classified_by_its_message(message: str, kind: type) -> None:
    sharpened = classify(_error(message))
    assert type(sharpened) is kind
    if kind is StockShortage:
        assert "Requested : 5, available 2" in sharpened.message
    if kind is ValidationError:
        assert message in sharpened.message  # NexoPOS's own text reaches the dead letter


def test_other_statuses_pass_through() -> None:
    error = _error("Your don't have enough permission", status=403)
    assert classify(error) is error


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


class _Answer(httpx.AsyncBaseTransport):
    def __init__(self, clock: _Clock, throttle_at: set[int] | None = None) -> None:
        self.clock, self.throttle_at, self.seen = clock, throttle_at or set(), 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen += 1
        if self.seen in self.throttle_at:
            body = {"status": "error", "message": THROTTLE_MESSAGE, "previous": ""}
            return httpx.Response(500, json=body)
        return httpx.Response(200, json=[])


def test_the_pacer_sends_at_the_floor_of_the_budget() -> None:
    clock = _Clock()
    paced = PacedTransport(_Answer(clock), 80, 60.0, clock=clock, sleep=clock.sleep)
    request = httpx.Request("GET", "https://pos/api/categories")

    async def send(n: int) -> None:
        for _ in range(n):
            await paced.handle_async_request(request)

    asyncio.run(send(301))
    floor = ((301 - 1) // 80) * 60.0  # the first 80 at once, then 80 per minute
    assert floor <= clock.now <= floor * 1.021  # the 2 % margin for arrival jitter


def test_the_throttle_500_becomes_a_429_that_waits_for_the_window() -> None:
    clock = _Clock()
    paced = PacedTransport(_Answer(clock, {3}), 80, 60.0, clock=clock, sleep=clock.sleep)
    request = httpx.Request("GET", "https://pos/api/categories")

    async def send(n: int) -> list[httpx.Response]:
        return [await paced.handle_async_request(request) for _ in range(n)]

    answers = asyncio.run(send(3))
    assert [a.status_code for a in answers] == [200, 200, 429]
    # the server counted more than we sent (another client, or a window it began earlier):
    # its window is unknown, so a whole one is waited
    assert int(answers[2].headers["Retry-After"]) == 60
    assert answers[2].json()["message"] == THROTTLE_MESSAGE


def _answer(method: str, message: str, status: int = 500) -> httpx.Response:
    body = {"status": "error", "message": message, "previous": "x"}
    return httpx.Response(status, json=body, request=httpx.Request(method, "https://pos/api/x"))


@pytest.mark.parametrize(
    ("method", "message", "error"),
    [
        ("GET", 'Unable to find the product, as the argument "sku" with the value "X" is not '
         "defined.", NotFoundError),  # a look-up's answer: not there
        ("POST", "Unable to find the customer using the provided id 9.", ValidationError),
        ("PUT", "The name field is required.", ValidationError),
        ("POST", "Unable to proceed, there is not enough stock for Tea using the unit Piece. "
         "Requested : 5, available 2", ValidationError),
    ],
)  # fmt: skip
def test_a_recognised_500_is_final_before_any_retry(method: str, message: str, error) -> None:
    default = classify_response(_answer(method, message), idempotent=True)
    assert default.action is Action.RETRY  # what the status table alone would do
    verdict = verdict_of(_answer(method, message), default)
    assert (verdict.action, verdict.error) == (Action.FAIL, error)


def test_an_unknown_500_is_retried_on_a_read_but_not_on_an_edit() -> None:
    for method, action in (("GET", Action.RETRY), ("PUT", Action.FAIL)):
        answer = _answer(method, "Server Error")
        assert verdict_of(answer, classify_response(answer)).action is action
    other = _answer("GET", "Unable to find it", status=404)
    assert verdict_of(other, classify_response(other)) == classify_response(other)
