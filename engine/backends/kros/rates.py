"""The day's exchange rate from the official feed: ECB for a EUR company, CNB for CZK.

Fetched at most once a calendar day per feed and cached in memory.  A feed
that cannot be read (malformed, down) falls back to the last rate it
published; the rate keeps the date the bank published it for, so an order on
a Sunday shows Friday's date, as the bank's own feed does.  With no rate at
all the order is held (a ConfigError raised before anything is sent) with
the reason.

Conventions as the banks publish them: ECB — units of the currency per
1 EUR; CNB — CZK per ``množství`` units.  The document's ``exchangeRate``
carries the bank's number for one unit: for a EUR company "1 EUR = rate
USD" (KROS: document prices / EUR prices = exchangeRate [OBS]); for a CZK
company "1 USD = rate CZK" [I: the CZK convention in KROS is not confirmed].
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import httpx

from engine.errors import ConfigError

__all__ = ["DayRate", "RateBook", "parse_cnb", "parse_ecb"]

log = logging.getLogger(__name__)

_ECB_NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"


class FeedUnreadable(ValueError):
    pass


@dataclass(frozen=True)
class DayRate:
    """One currency's rate as published: ``rate`` per the module's conventions."""

    currency: str
    rate: Decimal
    published: date
    source: str  # "ECB" or "CNB"

    def describe(self, base: str) -> str:
        if base == "EUR":
            return f"{self.source} {self.published}: 1 EUR = {self.rate} {self.currency}"
        return f"{self.source} {self.published}: 1 {self.currency} = {self.rate} {base}"


def parse_ecb(text: str) -> tuple[date, dict[str, Decimal]]:
    try:
        root = ET.fromstring(text)
        day = next(c for c in root.iter(f"{_ECB_NS}Cube") if c.get("time"))
        rates = {c.get("currency", ""): Decimal(c.get("rate", "")) for c in day}
        return date.fromisoformat(day.get("time", "")), rates
    except (ET.ParseError, StopIteration, InvalidOperation, ValueError) as error:
        raise FeedUnreadable(f"the ECB feed is not readable: {error}") from None


def parse_cnb(text: str) -> tuple[date, dict[str, Decimal]]:
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        published = datetime.strptime(lines[0].split(" ")[0], "%d.%m.%Y").date()
        rates = {}
        for line in lines[2:]:
            _country, _name, amount, code, rate = line.split("|")
            rates[code] = Decimal(rate.replace(",", ".")) / Decimal(amount)
        return published, rates
    except (IndexError, ValueError, InvalidOperation) as error:
        raise FeedUnreadable(f"the CNB feed is not readable: {error}") from None


class RateBook:
    """Cached daily rates for one company's base currency."""

    def __init__(
        self,
        base_currency: str,
        url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.base = base_currency
        self.source = "ECB" if base_currency == "EUR" else "CNB"
        self._parse = parse_ecb if self.source == "ECB" else parse_cnb
        self._url = url
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        self._today = today
        self._fetched_on: date | None = None
        self._last: tuple[date, dict[str, Decimal]] | None = None
        self.last_problem = ""

    async def _refresh(self) -> None:
        today = self._today()
        if self._fetched_on == today:
            return
        try:
            response = await self._http.get(self._url)
            response.raise_for_status()
            self._last = self._parse(response.text)
        except (httpx.HTTPError, FeedUnreadable) as error:  # asked again at the next order
            self.last_problem = str(error)
            log.warning("kros: %s feed failed (%s); keeping the last published rate",
                        self.source, error)  # fmt: skip
            return
        self.last_problem = ""
        self._fetched_on = today

    async def rate(self, currency: str) -> DayRate:
        """The rate of ``currency`` against the base; ConfigError (hold) when there is none."""
        await self._refresh()
        if self._last is None:
            raise ConfigError(
                f"no {self.source} rate for {currency}: {self.last_problem or 'feed empty'}",
                hint=f"The order waits until the {self.source} feed can be read.",
            )
        published, rates = self._last
        if currency not in rates:
            raise ConfigError(
                f"the {self.source} feed of {published} has no rate for {currency}",
                hint="Book this order by hand in KROS, or sell in a currency the bank quotes.",
            )
        return DayRate(currency, rates[currency], published, self.source)

    async def aclose(self) -> None:
        await self._http.aclose()
