"""The KROS client keeps 10 requests/s and 300/min itself (no fixed sleeps: a fake clock)."""

from __future__ import annotations

import httpx
import pytest

from engine.backends.kros.config import KrosBackendSettings
from engine.backends.kros.pacing import PacedTransport, RequestPace
from engine.backends.kros.settings import KrosSettings
from engine.errors import ConfigError


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _instant(pace: RequestPace) -> float:
    """Ask to send; a request let through is answered at once (no time passes)."""
    wait = pace.delay()
    if wait <= 0:
        pace.answered(pace.last_sent)
    return wait


def test_ten_a_second_then_the_eleventh_waits_for_the_oldest_to_age_out() -> None:
    time = FakeTime()
    pace = RequestPace(clock=time.clock)
    assert [_instant(pace) for _ in range(10)] == [0.0] * 10
    assert _instant(pace) == pytest.approx(1.0)
    time.now = 1.0
    assert _instant(pace) == 0.0


def test_three_hundred_a_minute() -> None:
    time = FakeTime()
    pace = RequestPace(clock=time.clock)
    for second in range(30):
        time.now = float(second)
        assert all(_instant(pace) == 0.0 for _ in range(10))
    time.now = 30.0
    assert _instant(pace) == pytest.approx(30.0)  # the first ten leave the window at 60 s
    time.now = 60.0
    assert _instant(pace) == 0.0


def test_a_request_still_in_flight_counts_in_every_window() -> None:
    """KROS may count a slow request at any moment until it answers: it keeps its place."""
    time = FakeTime()
    pace = RequestPace(clock=time.clock)
    assert pace.delay() == 0.0  # the slow one: no answer for a while
    slow = pace.last_sent
    assert [_instant(pace) for _ in range(9)] == [0.0] * 9
    time.now = 1.5  # the nine answered ones are out of the window, the slow one is not
    assert [_instant(pace) for _ in range(9)] == [0.0] * 9
    assert pace.delay() == pytest.approx(1.0)  # the tenth waits for the nine to age out
    pace.answered(slow)  # its answer, at 1.5: it counts for a second from there
    assert pace.delay() == pytest.approx(1.0)


async def test_the_transport_sleeps_instead_of_collecting_429s() -> None:
    time = FakeTime()
    sent: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(time.now)
        return httpx.Response(200, json={"data": []})

    transport = PacedTransport(
        httpx.MockTransport(answer), RequestPace(clock=time.clock), sleep=time.sleep
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://kros") as client:
        for _ in range(25):
            await client.get("/api/numberingSequences")
    assert len(sent) == 25
    assert max(sum(1 for t in sent if start <= t < start + 1) for start in sent) == 10
    assert sent[-1] == pytest.approx(2.0)


async def test_a_request_counts_from_its_answer_so_a_slow_trip_earns_no_429() -> None:
    time = FakeTime()
    sent: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(time.now)
        if len(sent) == 1:
            time.now += 0.5  # the first trip is slow: KROS may have counted it at 0.5
        return httpx.Response(200, json={"data": []})

    transport = PacedTransport(
        httpx.MockTransport(answer), RequestPace(clock=time.clock), sleep=time.sleep
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://kros") as client:
        for _ in range(11):
            await client.get("/api/catalog-items")
    assert sent[1:10] == [pytest.approx(0.5)] * 9
    assert sent[10] == pytest.approx(1.5)  # a second after the first answer, not after 0


def test_settings_refuse_what_kros_cannot_do() -> None:
    with pytest.raises(ConfigError, match="page_size"):
        KrosSettings(token="t", page_size=101)
    with pytest.raises(ConfigError, match="document"):
        KrosSettings(token="t", document="invoice_and_more")
    model = KrosBackendSettings(type="kros", token="t0k3n-value", numbering_sequence="OF")
    settings = KrosSettings.coerce(model.adapter_settings())
    assert settings.token == "t0k3n-value" and "t0k3n" not in repr(settings)
    assert settings.resource == "invoices" and settings.webhook_secret == ""
