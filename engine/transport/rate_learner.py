"""Learns the request *rate* a host admits, from its 429 answers.

A firewall's token bucket (nginx ``limit_req``, a WAF, a host's "requests
per second" plan) admits ``r`` requests a second, whatever the concurrency:
a concurrency limit either stays under it and wastes the rest (one request
in flight may be 60 % of ``r``) or sits above it and collects 429s.  So the
client paces request *starts* at a learned rate instead.

How the rate is found, with no help from the host:

* the first 429 brackets it: below, ``1 / Retry-After`` (a bucket that
  was just emptied has its next token within that time); above, the pace
  the client was sending at when it was refused;
* while the bracket is wide, the pace is its geometric middle; a clean
  stretch (``bracket_after`` successes) moves the lower end up to it, a 429
  the upper end down to it (a bisection: a handful of 429s, not dozens);
* once the ends are within ``settle_ratio`` the pace is the lower end (the
  fastest rate seen clean); after a long clean stretch (``probe_after``)
  it probes upward by ``probe_step`` (at most halfway to the last rate
  refused), and a 429 sends it back to the last clean rate — a back-off by
  the probe's own factor; if the clean rate itself is refused (the host got
  stricter) it backs off by ``backoff``.

Several requests refused together count once: a 429 only moves the rate
when its request was sent at the current rate (the ``generation`` of its
ticket), as the concurrency limiter does it.  And a 429 with nothing
admitted since the last one says the host is blocking for a while (an
outage, a ban), not what its rate is: it moves nothing, so a storm of them
cannot drive the rate to the floor.  Pure logic with the time
passed in, so the tests drive it with a fake clock.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

__all__ = ["RateLearner", "Ticket"]

_RECENT_SENDS = 8  # sends that measure "the pace we were refused at" before any rate is known
# where in the bracket the next pace goes (log scale); below 0.5: nearer the clean end
_TOWARD_HIGH = 0.4
_UNDER_BOUND = 0.98  # how far under a refusal's bound the clean rate steps back


@dataclass(frozen=True)
class Ticket:
    """One request's send: the rate generation it was paced under, and when."""

    generation: int
    sent_at: float


class RateLearner:
    """A host's admitted request rate (requests per second), or None when unknown."""

    def __init__(
        self,
        rate: float | None = None,
        *,
        ceiling: float | None = None,
        minimum: float = 0.05,
        bracket_after: int = 16,
        probe_after: int = 300,
        probe_step: float = 0.05,
        settle_ratio: float = 1.04,
        backoff: float = 0.9,
    ) -> None:
        self.minimum = minimum
        self.bracket_after = bracket_after
        self.probe_after = probe_after
        self.probe_step = probe_step
        self.settle_ratio = settle_ratio
        self.backoff = backoff
        self._rate = None if rate is None else max(minimum, rate)
        self._low = self._rate  # the fastest pace seen clean
        # the slowest pace seen refused (a remembered one resumes an unfinished bisection)
        self._high: float | None = ceiling if self._rate is not None else None
        self._clean = 0
        self._generation = 0
        self._sends: deque[float] = deque(maxlen=_RECENT_SENDS)
        self._changed_at: float | None = None  # send time of the last change
        self._admitted = True  # a request was admitted since the last refusal

    @property
    def rate(self) -> float | None:
        return self._rate

    @property
    def learned(self) -> float | None:
        """The fastest rate seen clean: what the next run starts at."""
        return self._low

    @property
    def ceiling(self) -> float | None:
        """The slowest pace seen refused (kept with ``learned``: an unfinished bisection
        resumes, a settled rate probes at most halfway to it); None if none."""
        if self._high is None or self._low is None:
            return None
        return self._low * 8 if math.isinf(self._high) else self._high

    @property
    def settled(self) -> bool:
        """True once the pace is a rate seen clean (not a bisection step)."""
        return self._rate is not None and not self._bracketing()

    def ticket(self, now: float) -> Ticket:
        """Call when a request leaves; its outcome is reported with the ticket."""
        self._sends.append(now)
        if self._changed_at is None:
            self._changed_at = now  # a remembered rate is paced from the first send
        return Ticket(self._generation, now)

    def succeeded(self, ticket: Ticket) -> bool:
        """A request was admitted.  True when this changed the rate."""
        self._admitted = True
        if self._rate is None or ticket.generation != self._generation:
            return False
        self._clean += 1
        if self._bracketing():
            if self._clean < self._stretch():
                return False
            self._low = self._clean_rate()
            self._set(self._middle())
            return True
        if self._clean < self.probe_after:
            return False
        self._low = self._clean_rate()
        if self._high is not None and self._rate * 1.01 >= self._high:
            self._high *= 1 + self.probe_step  # clean right under it: the host may have grown
        self._set(self._probe())
        return True

    def throttled(self, ticket: Ticket, retry_after: float | None) -> bool:
        """A request was refused with 429.  True when this changed the rate."""
        if ticket.generation != self._generation:
            return False  # sent before the last change: that change answered it already
        if self._rate is None:
            self._first_refusal(retry_after)
            self._admitted = False
            return True
        if not self._admitted:
            return False  # nothing admitted since the last refusal: a block, not a rate
        self._admitted = False
        assert self._low is not None
        bound = self._host_bound(ticket)
        if self._rate <= self._low:  # the rate seen clean is refused now
            # long clean before the refusal: a small overshoot, a small step back; soon
            # after the change (a stricter host): ``backoff``
            self._low = max(self.minimum, self._rate * self.backoff, (bound or 0) * _UNDER_BOUND)
        self._high = max(bound or self._rate, self._low * 1.01)
        # the Retry-After pause refills the host's bucket: go on bisecting, or settle
        # on the fastest pace seen clean
        self._set(self._middle())
        return True

    def _first_refusal(self, retry_after: float | None) -> None:
        # no Retry-After: assume one second, the shortest wait the header can say
        low = max(self.minimum, 1 / retry_after if retry_after else 1.0)
        self._low = low
        self._high = max(low * self.settle_ratio * 2, self._recent_pace())
        self._set(self._middle())

    def _clean_rate(self) -> float:
        """The pace just proven clean: the rate, unless fewer were sent (concurrency bound)."""
        assert self._rate is not None and self._low is not None
        return max(self._low, min(self._rate, self._recent_pace()))

    def _host_bound(self, ticket: Ticket) -> float | None:
        """An upper bound of the host's rate from a refusal at the current pace.

        Paced at ``p`` since the last change, for ``t`` seconds: the bucket
        held at least one token at the start and none now, so the host
        admits at most ``p - 1/t``.  None when refused at once (no span to tell).
        """
        assert self._rate is not None
        span = 0.0 if self._changed_at is None else ticket.sent_at - self._changed_at
        return self._rate - 1 / span if span > 0 else None

    def _recent_pace(self) -> float:
        """Requests per second over the last few sends (the pace that was refused)."""
        if len(self._sends) < 2:
            return 0.0
        span = self._sends[-1] - self._sends[0]
        return math.inf if span <= 0 else (len(self._sends) - 1) / span

    def _stretch(self) -> int:
        """Successes that prove a bisection step clean: a few while the bracket is wide
        (the step is far from the edge), ``bracket_after`` near it, where a pace just
        over the host's rate passes a short stretch on the bucket's burst."""
        assert self._low is not None and self._high is not None
        return (
            max(2, self.bracket_after // 4) if self._high >= 4 * self._low else self.bracket_after
        )

    def _bracketing(self) -> bool:
        return (
            self._high is not None
            and self._low is not None
            and self._high > self._low * self.settle_ratio
        )

    def _middle(self) -> float:
        assert self._low is not None
        if self._high is None or math.isinf(self._high):
            return self._low * 2
        if not self._bracketing():
            return self._low
        return self._low ** (1 - _TOWARD_HIGH) * self._high**_TOWARD_HIGH

    def _probe(self) -> float:
        assert self._rate is not None
        target = self._rate * (1 + self.probe_step)
        if self._high is not None:
            target = min(target, (self._rate + self._high) / 2)
        return target

    def _set(self, rate: float) -> None:
        self._rate = max(self.minimum, rate)
        self._clean = 0
        self._generation += 1
        self._changed_at = self._sends[-1] if self._sends else None

    def __repr__(self) -> str:
        return f"RateLearner(rate={self._rate}, low={self._low}, high={self._high})"
