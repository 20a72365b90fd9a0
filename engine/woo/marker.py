"""The marker inside WooCommerce: a paused webhook whose name records our first run.

WHY a webhook: a REST client cannot create WordPress options (the settings
API only updates existing ones), and order or product meta belongs to shop
data.  A webhook record is ours to create, is listed by ``GET /webhooks``,
and survives anything that happens on our side.  It is created ``paused``
with an ``action.*`` topic, so WooCommerce never delivers anything for it
(and sends no creation ping), and the webhook-health job, which looks only
at order topics, leaves it alone.

Name format: ``tillsync marker <connection> scope=<8 hex> since=<ISO UTC>``,
plus `` legacy=<install id>`` when keys of the old format exist (the id is
random hex, not a secret): recovery can then look those keys up too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.woo.client import WooClient

__all__ = ["MARKER_TOPIC", "WooMarker", "find_marker", "write_marker"]

MARKER_TOPIC = "action.tillsync_marker"
_NAME = re.compile(
    r"tillsync marker (?P<connection>\S+) scope=(?P<scope>\S+) since=(?P<since>\S+)"
    r"(?: legacy=(?P<legacy>\S+))?"
)


@dataclass(frozen=True)
class WooMarker:
    webhook_id: int
    connection: str
    scope: str
    since: str
    legacy: str = ""

    @property
    def name(self) -> str:
        tail = f" legacy={self.legacy}" if self.legacy else ""
        return f"tillsync marker {self.connection} scope={self.scope} since={self.since}{tail}"


async def find_marker(woo: WooClient, connection: str) -> WooMarker | None:
    """Our marker for ``connection``, if this store has one."""
    for hook in await woo.list_webhooks():
        match = _NAME.fullmatch(str(hook.get("name") or ""))
        if match and match["connection"] == connection and hook.get("topic") == MARKER_TOPIC:
            found = (match["scope"], match["since"], match["legacy"] or "")
            return WooMarker(int(hook["id"]), connection, *found)
    return None


async def write_marker(
    woo: WooClient, connection: str, scope: str, since: str, legacy: str = ""
) -> WooMarker:
    """Create the marker (paused: nothing is ever delivered for it)."""
    marker = WooMarker(0, connection, scope, since, legacy)
    hook = await woo.create_webhook(
        name=marker.name,
        topic=MARKER_TOPIC,
        delivery_url=woo.store_url,
        secret="tillsync-marker-" + scope,
        status="paused",
    )
    return WooMarker(int(hook["id"]), connection, scope, since, legacy)
