"""The two sandbox shops a benchmark runs against, as started inside their process.

* KORONA: the demo account with ``products`` articles filed under a tree of
  ``categories`` commodity groups (the demo tree is extended with an
  "Assortment" branch until the count is reached; products are spread over
  every leaf), plus a recorder of when each receipt was committed;
* WooCommerce: an empty store behind the given :class:`HostModel`.

The receipt recorder is ours, not KORONA's: an ASGI wrapper that notes the
wall-clock time a receipt POST was answered 2xx and the WooCommerce order
numbers it carried, served under ``/__bench__/receipts``.  Wall-clock time
because the order is placed in another process.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from sandbox import korona as kor
from sandbox.korona.ids import stable_id
from sandbox.korona.seed import GROUP_TREE, leaf_groups
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import HostModel, WooSandbox, create_app

__all__ = [
    "WOO_KEY",
    "WOO_SECRET",
    "ReceiptRecorder",
    "category_levels",
    "start_korona",
    "start_woo",
]

# Sandbox-only credentials (the sandbox is created with them; they open nothing real).
WOO_KEY = "ck_bench_0123456789abcdef0123456789abcdef"
WOO_SECRET = "cs_bench_fedcba9876543210fedcba9876543210"
# groups per level of the demo account's tree (sandbox/korona/seed.py)
_DEMO_TREE = (
    len(GROUP_TREE),
    sum(len(mids) for mids in GROUP_TREE.values()),
    sum(len(leaves) for mids in GROUP_TREE.values() for leaves in mids.values()),
)
_BRANCH = 10  # mid-level groups of the added "Assortment" branch


def category_levels(total: int) -> list[int]:
    """Groups per tree level for ``total`` commodity groups (at least the demo tree's 27)."""
    extra = max(0, total - sum(_DEMO_TREE))
    if extra == 0:
        return list(_DEMO_TREE)
    mids = min(_BRANCH, max(0, extra - 1))
    leaves = max(0, extra - 1 - mids)
    return [_DEMO_TREE[0] + 1, _DEMO_TREE[1] + mids, _DEMO_TREE[2] + leaves]


def _extend_groups(kb: kor.KoronaSandbox, total: int) -> list[str]:
    """Add the "Assortment" branch; returns the ids of every leaf group."""
    levels = category_levels(total)
    leaves = [gid for gid, _name, _sector in leaf_groups()]
    mids, new_leaves = levels[1] - _DEMO_TREE[1], levels[2] - _DEMO_TREE[2]
    if levels[0] == _DEMO_TREE[0]:
        return leaves
    master, number = kb.master, 1000
    top = stable_id("commodityGroup:Assortment")
    master.add("commodityGroups", top, str(number), {"name": "Assortment", "key": "ASSORTMENT"})
    mid_ids = []
    for m in range(mids):
        number += 1
        gid = stable_id(f"commodityGroup:Assortment/{m}")
        parent = master.reference("commodityGroups", top)
        body = {"name": f"Range {m + 1}", "parentCommodityGroup": parent}
        master.add("commodityGroups", gid, str(number), body)
        mid_ids.append(gid)
    for leaf in range(new_leaves):
        number += 1
        gid = stable_id(f"commodityGroup:Assortment/{leaf % mids}/{leaf}")
        parent = master.reference("commodityGroups", mid_ids[leaf % mids])
        body = {"name": f"Line {leaf + 1}", "parentCommodityGroup": parent}
        master.add("commodityGroups", gid, str(number), body)
        leaves.append(gid)
    return leaves


def korona_account(products: int, categories: int, seed: int = 7) -> kor.KoronaSandbox:
    """A seeded account; products are spread round-robin over every leaf group."""
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=products, rng_seed=seed, customers=0)
    with kb.lock:
        leaves = _extend_groups(kb, categories)
        for i, row in enumerate(kb.catalog.table):
            row.group_id = leaves[i % len(leaves)]
    return kb


class ReceiptRecorder:
    """ASGI wrapper: when was each receipt accepted, for which WooCommerce order."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.accepted: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/__bench__/receipts":
            await self._answer(send)
            return
        if not (scope["type"] == "http" and scope["method"] == "POST"):
            await self.app(scope, receive, send)
            return
        if not scope["path"].endswith("/receipts"):
            await self.app(scope, receive, send)
            return
        body = bytearray()

        async def tapped_receive() -> dict:
            message = await receive()
            body.extend(message.get("body", b""))
            return message

        async def tapped_send(message: dict) -> None:
            if message["type"] == "http.response.start" and message["status"] < 300:
                self._note(bytes(body))
            await send(message)

        await self.app(scope, tapped_receive, tapped_send)

    def _note(self, body: bytes) -> None:
        now = time.time()
        try:
            receipts = json.loads(body)
        except ValueError:
            return
        with self._lock:
            for receipt in receipts if isinstance(receipts, list) else [receipts]:
                number = receipt.get("orderNumber") if isinstance(receipt, dict) else None
                if number and not receipt.get("reversal"):
                    self.accepted.append((now, str(number)))

    async def _answer(self, send: Any) -> None:
        with self._lock:
            payload = json.dumps(self.accepted).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def start_korona(options: dict[str, Any]) -> RunningServer:
    kb = korona_account(
        int(options.get("products", 300)),
        int(options.get("categories", 29)),
        int(options.get("seed", 7)),
    )
    return start_server(ReceiptRecorder(kor.create_app(kb)))


def start_woo(options: dict[str, Any]) -> RunningServer:
    model = HostModel().patched(options.get("host_model", {}))
    sb = WooSandbox(WOO_KEY, WOO_SECRET, model)
    if "webhook_delay" in options:
        sb.webhook_delay = float(options["webhook_delay"])
    if "cron_interval" in options:  # the Action Scheduler delivery model (late webhooks)
        sb.cron_interval = float(options["cron_interval"])
    return start_server(create_app(sb))
