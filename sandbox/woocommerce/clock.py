"""Site time as WordPress keeps it: whole seconds, a local and a GMT column.

WordPress stores ``post_modified`` (site-local wall clock) next to
``post_modified_gmt``; REST answers both as ISO strings without an offset.
Queries such as ``modified_after`` compare against one column or the other
(``dates_are_gmt``), and a timestamp carrying ``Z`` or an offset is first
converted to the *site* timezone, as ``WP_Date_Query::build_mysql_datetime``
does [inferred from WordPress core].  A non-zero site offset therefore
catches clients that mix local and GMT times.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sandbox.woocommerce.errors import invalid_params

__all__ = ["SiteClock"]

_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


@dataclass(frozen=True)
class SiteClock:
    """The store's clock; timestamps are integer epoch seconds (compact, 1 s resolution)."""

    utc_offset_seconds: int = 3600

    def now(self) -> int:
        return int(time.time())

    def gmt(self, ts: int | None) -> str | None:
        if ts is None:
            return None
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")

    def local(self, ts: int | None) -> str | None:
        if ts is None:
            return None
        return self.gmt(ts + self.utc_offset_seconds)

    def pair(self, name: str, ts: int | None) -> dict[str, str | None]:
        """``{name: local, name_gmt: gmt}`` as every WooCommerce date field comes."""
        return {name: self.local(ts), f"{name}_gmt": self.gmt(ts)}

    def query_wall_clock(self, param: str, value: str) -> int:
        """A query date as site wall-clock seconds (naive = already site time)."""
        if not isinstance(value, str) or not _DATE_TIME.match(value):
            raise invalid_params({param: ("rest_invalid_date", "Invalid date.")})
        parsed = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        if parsed.tzinfo is not None:
            site_tz = timezone(timedelta(seconds=self.utc_offset_seconds))
            parsed = parsed.astimezone(site_tz).replace(tzinfo=None)
        return int(parsed.replace(tzinfo=UTC).timestamp())

    def column_wall_clock(self, ts: int, gmt: bool) -> int:
        """The wall-clock value a stored timestamp has in the local or GMT column."""
        return ts if gmt else ts + self.utc_offset_seconds

    def parse_body_date(self, value: str | None, gmt: bool) -> int | None:
        """A writable date field (local or ``_gmt``) back to epoch seconds."""
        if value in (None, ""):
            return None
        wall = self.query_wall_clock("date", str(value))
        return wall if gmt else wall - self.utc_offset_seconds
