"""RateLearner: the pace a rate-limited host admits, learned from its 429s.

Deterministic: a token-bucket host (as a WAF or nginx ``limit_req`` works)
and a client that sends at the learner's pace run on a fake clock; no
sleeping, no sockets.
"""

from __future__ import annotations

import math

import pytest

from engine.transport import RateLearner


class FakeBucket:
    """``rate`` requests a second, ``burst`` at once; answers like the sandbox's firewall."""

    def __init__(self, rate: float, burst: int = 2) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), 0.0

    def take(self, now: float) -> float | None:
        """None when admitted, else the ``Retry-After`` it sends (whole seconds, ≥ 1)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return float(max(1, math.ceil((1 - self.tokens) / self.rate)))


def drive(learner: RateLearner, host: FakeBucket, requests: int) -> tuple[int, float]:
    """One request after another at the learner's pace (unpaced while it knows none).

    Returns (429s, seconds taken); a 429 waits out its Retry-After and is retried.
    """
    now, admitted, refused = 0.0, 0, 0
    while admitted < requests:
        ticket = learner.ticket(now)
        retry_after = host.take(now)
        if retry_after is None:
            admitted += 1
            learner.succeeded(ticket)
        else:
            refused += 1
            learner.throttled(ticket, retry_after)
            now += retry_after
        now += 1 / learner.rate if learner.rate else 0.01
    return refused, now


def test_unknown_until_the_first_429() -> None:
    learner = RateLearner()
    refused, _ = drive(learner, FakeBucket(rate=1000.0), requests=50)
    assert refused == 0 and learner.rate is None and learner.learned is None


@pytest.mark.parametrize("rate", [0.5, 2.066, 8.0])
def test_finds_the_host_rate_with_a_handful_of_429s(rate: float) -> None:
    """No help from the host: the first 429 and a short bisection find its rate."""
    learner = RateLearner()
    refused, took = drive(learner, FakeBucket(rate), requests=330)
    assert refused <= 6  # 1.8 % of 330: learning has a price; the next run starts clean
    floor = (330 - 2) / rate
    assert floor / took >= 0.8  # learning included; a remembered rate does better (below)
    assert learner.learned is not None and 0.85 * rate <= learner.learned <= rate * 1.01


def test_a_remembered_rate_starts_clean() -> None:
    learner = RateLearner(2.0)
    refused, took = drive(learner, FakeBucket(2.066), requests=300)
    assert refused == 0
    assert (300 - 2) / 2.066 / took >= 0.95


def test_probes_upward_after_a_long_clean_stretch_and_returns_on_a_429() -> None:
    learner = RateLearner(1.0, probe_after=20, probe_step=0.05)
    ticket = learner.ticket(0.0)
    for n in range(20):
        learner.succeeded(learner.ticket(float(n)))
    assert learner.rate == pytest.approx(1.05)
    assert learner.learned == pytest.approx(1.0)
    learner.throttled(learner.ticket(21.0), retry_after=1.0)
    assert learner.rate == pytest.approx(1.0)  # back to the rate seen clean
    # the next probe goes halfway to the refused rate, not straight back to it
    for n in range(20):
        learner.succeeded(learner.ticket(30.0 + n))
    assert 1.0 < (learner.rate or 0) < 1.05
    assert not learner.throttled(ticket, 1.0)  # sent long ago: already answered


def test_a_stricter_host_backs_the_clean_rate_off_multiplicatively() -> None:
    learner = RateLearner(2.0, backoff=0.9)
    assert learner.throttled(learner.ticket(0.0), retry_after=1.0)
    assert learner.learned == pytest.approx(1.8)
    assert (learner.rate or 0) < 2.0


def test_refusals_of_requests_sent_together_count_once() -> None:
    learner = RateLearner(4.0)
    tickets = [learner.ticket(0.0) for _ in range(4)]
    changed = [learner.throttled(t, 1.0) for t in tickets]
    assert changed == [True, False, False, False]
    assert learner.learned == pytest.approx(3.6)


def test_a_pace_the_client_never_reached_is_not_called_clean() -> None:
    """Paced at 4/s but sending 1/s (too few requests in flight): 1/s is what was proven."""
    learner = RateLearner(minimum=0.05, bracket_after=5)
    learner.throttled(learner.ticket(0.0), retry_after=1.0)  # bracket [1, …): pace 2/s
    for n in range(5):
        learner.succeeded(learner.ticket(1.0 + n))  # one a second
    assert learner.learned == pytest.approx(1.0)


def test_a_storm_of_429s_with_nothing_admitted_moves_the_rate_once() -> None:
    """An outage or a ban refuses everything: that says nothing more about the rate."""
    learner = RateLearner(2.0)
    changed = [learner.throttled(learner.ticket(float(at)), retry_after=1.0) for at in range(10)]
    assert changed == [True] + [False] * 9
    assert learner.learned == pytest.approx(1.8)
    learner.succeeded(learner.ticket(20.0))  # the host admits again
    assert learner.throttled(learner.ticket(21.0), retry_after=1.0)
