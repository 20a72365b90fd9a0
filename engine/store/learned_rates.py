"""Request rates learned from remote hosts' 429s, kept per host.

WHY in the state database: a host behind a rate limiter (a WAF's token
bucket) refuses the first requests of every run until the client has found
its pace again; remembered, the next run starts paced and meets no 429.
One settings row per host (``transport.rate:<host:port>``), not per
connection: two connections to one shop share its limit.
"""

from __future__ import annotations

import math

from engine.store.settings import StoredSettings

__all__ = ["LearnedRates"]

_KEY = "transport.rate:"


class LearnedRates:
    """The :class:`~engine.transport.RateMemory` over the settings table."""

    def __init__(self, settings: StoredSettings) -> None:
        self._settings = settings

    async def load(self, host: str) -> tuple[float, float | None] | None:
        """(requests per second, ceiling while unsettled) last learned for ``host``;
        None if never (or unreadable)."""
        value = await self._settings.get(_KEY + host)
        if not isinstance(value, dict):
            return None
        rate, ceiling = _positive(value.get("requests_per_second")), value.get("ceiling")
        if rate is None:
            return None
        return rate, _positive(ceiling)

    async def save(self, host: str, rate: float, ceiling: float | None) -> None:
        value = {"requests_per_second": round(rate, 4)}
        if ceiling is not None and math.isfinite(ceiling):
            value["ceiling"] = round(ceiling, 4)
        await self._settings.set(_KEY + host, value)


def _positive(value: object) -> float | None:
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        return None
    return float(value)
