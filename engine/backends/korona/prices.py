"""The shop price of a KORONA product: one price group's row, net or gross.

KORONA keeps prices as rows per price group (optionally per org unit or
valid-from date); the shop gets the row of the one group the admin chose,
converted between net and gross when that group and the shop disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from engine.backends.korona.wire import decimal_or_none, parse_time, ref_id
from engine.model import Money, minor_places

__all__ = ["PriceRule"]

Json = Mapping[str, object]


@dataclass(frozen=True)
class PriceRule:
    """Which price rows count as the shop price, and how they become one.

    ``price_group_id`` is the chosen group's uuid (resolved from the config's
    id, number or name): rows are matched on the reference's id only, never
    on a nested name another group might share.  A group that keeps net
    prices (``netPrices``) while the shop's prices include tax - or the other
    way round - is converted with the rate of the product's sector
    (``rates``: sector id -> percent, today's).  Without that rate there is no
    honest price, so none is published.
    """

    price_group_id: str
    currency: str
    net_prices: bool = False
    shop_includes_tax: bool = True
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def matches(self, row: Json) -> bool:
        return ref_id(row.get("priceGroup")) == self.price_group_id

    def pick(
        self, rows: Sequence[Json], now: datetime, sector_id: str | None = None
    ) -> Money | None:
        """The newest valid-from row of the group, as the shop must see it."""
        value = self._group_value(rows, now)
        if value is None:
            return None
        shop_value = self._for_shop(value, sector_id)
        return None if shop_value is None else Money(shop_value, self.currency)

    def _group_value(self, rows: Sequence[Json], now: datetime) -> Decimal | None:
        """Container (productCode) rows are skipped; rows bound to an organizational
        unit lose against general ones, so a branch's local price never becomes the
        web price by accident."""
        candidates = []
        for row in rows:
            value = decimal_or_none(row.get("value"))
            if value is None or row.get("productCode") or not self.matches(row):
                continue
            since = parse_time(row.get("validFrom")) or datetime.min.replace(tzinfo=UTC)
            if since <= now:
                candidates.append((row.get("organizationalUnit") is None, since, value))
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c[0], c[1]))[2]

    def _for_shop(self, value: Decimal, sector_id: str | None) -> Decimal | None:
        if self.net_prices != self.shop_includes_tax:
            return value
        rate = self.rates.get(sector_id or "")
        if rate is None:
            return None
        factor = 1 + rate / 100
        converted = value * factor if self.net_prices else value / factor
        return converted.quantize(Decimal(1).scaleb(-minor_places(self.currency)), ROUND_HALF_UP)
