"""WooCommerce payment gateways next to their back-office mapping, for the mapping screen.

The gateway ids come from ``GET /payment_gateways`` (not from past orders), so
the admin can map a gateway before its first order arrives; a mapped id the
shop no longer has is listed too, marked ``known=False``.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.store import MappingKind
from engine.sync.context import SyncContext

__all__ = ["GatewayMapping", "payment_gateways"]


@dataclass(frozen=True)
class GatewayMapping:
    gateway_id: str
    title: str
    enabled: bool
    backoffice_method: str | None
    known: bool = True


async def payment_gateways(ctx: SyncContext) -> list[GatewayMapping]:
    mapped = await ctx.store.mappings.of_kind(MappingKind.PAYMENT, connection=ctx.connection)
    rows = []
    for gateway in await ctx.woo.list_payment_gateways():
        gid = str(gateway.get("id") or "")
        title = str(gateway.get("title") or gateway.get("method_title") or gid)
        rows.append(GatewayMapping(gid, title, bool(gateway.get("enabled")), mapped.pop(gid, None)))
    rows += [GatewayMapping(gid, gid, False, target, known=False) for gid, target in mapped.items()]
    return rows
