"""The customers job: WooCommerce customer accounts into the back office (and, with
``[connections.<name>.directions] customers = "pull"`` or ``"both"``, the back
office's customers into the shop: :mod:`engine.sync.customer_pull`).

WooCommerce offers no change feed for customers, so each run pages through
them all (100 per request) and writes only the ones whose fields changed
since tillsync last wrote them (a hash per customer link).  Guests have no
account; their details travel with their orders instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from engine.backends.base import Capability, UnsupportedCapability
from engine.model import Customer
from engine.store.links import Link
from engine.sync.context import SyncContext
from engine.sync.customer_pull import CustomerPull
from engine.sync.diff import REAL_RUN_LISTED, CatalogDiff, DiffEntry, FieldChange
from engine.sync.directions import Entity
from engine.sync.fieldhash import encode, fingerprint
from engine.sync.jobrun import JobRun, RunTotals

__all__ = ["CUSTOMER", "CustomerReport", "CustomerSync", "customer_from_woo"]

CUSTOMER = "customer"


def customer_from_woo(data: Mapping[str, Any]) -> Customer:
    billing = data.get("billing") or {}
    return Customer(
        email=str(data.get("email") or billing.get("email") or ""),
        first_name=str(data.get("first_name") or billing.get("first_name") or ""),
        last_name=str(data.get("last_name") or billing.get("last_name") or ""),
        company=str(billing.get("company") or ""),
        phone=str(billing.get("phone") or ""),
        address_1=str(billing.get("address_1") or ""),
        address_2=str(billing.get("address_2") or ""),
        city=str(billing.get("city") or ""),
        postcode=str(billing.get("postcode") or ""),
        state=str(billing.get("state") or ""),
        country=str(billing.get("country") or ""),
        woo_id=int(data["id"]),
    )


@dataclass(frozen=True)
class CustomerReport:
    run_id: int
    diff: CatalogDiff
    totals: RunTotals
    duration_s: float
    requests: int


class CustomerSync:
    job = "customers"

    def __init__(self, ctx: SyncContext) -> None:
        self.ctx = ctx

    async def run(self, *, full: bool = False, dry_run: bool = False) -> CustomerReport:
        backend, directions = self.ctx.backend, self.ctx.directions
        pushes = directions.pushes(Entity.CUSTOMERS)
        if pushes and Capability.CUSTOMERS_WRITE not in backend.capabilities:
            raise UnsupportedCapability(backend.name, Capability.CUSTOMERS_WRITE)
        diff = CatalogDiff(limit=None if dry_run else REAL_RUN_LISTED)
        async with JobRun(self.ctx, self.job, full=full, dry_run=dry_run) as run:
            if pushes:
                await self._push(run, diff)
            if directions.pulls(Entity.CUSTOMERS):  # after: the shop's edits win a tie
                await CustomerPull(run, diff, customer_from_woo).pull()
        return CustomerReport(run.run_id, diff, run.totals, run.duration_s, run.requests)

    async def _push(self, run: JobRun, diff: CatalogDiff) -> None:
        """Every shop account; only the changed ones are written (the link's hash)."""
        links = {
            link.woo_id: link
            async for link in self.ctx.store.links.iterate(CUSTOMER, connection=self.ctx.connection)
        }
        params = {"orderby": "id", "order": "asc", "role": "all"}
        async for page in self.ctx.woo.iter_pages("customers", params):
            customers = [customer_from_woo(item) for item in page.items]
            run.totals.read += len(customers)
            await self._apply(run, diff, customers, links)
            run.progress(run.totals.read, page.total)

    async def _apply(
        self, run: JobRun, diff: CatalogDiff, customers: list[Customer], links: dict[int, Link]
    ) -> None:
        changed: list[tuple[Customer, str]] = []
        for customer in customers:
            digest = encode(fingerprint(asdict(customer)))
            link = links.get(customer.woo_id or 0)
            if not run.full and link is not None and link.hash == digest:
                diff.add(DiffEntry("unchanged", CUSTOMER, customer.email))
                continue
            if not customer.email:
                await run.skip(CUSTOMER, str(customer.woo_id), "no e-mail address")
                continue
            action = "create" if link is None else "update"
            changes = (
                FieldChange("name", customer.full_name),
                FieldChange("email", customer.email),
            )
            diff.add(
                DiffEntry(
                    action, CUSTOMER, customer.email, customer.full_name, customer.woo_id, changes
                )
            )
            changed.append((customer, digest))
        if run.dry_run or not changed:
            return
        results = await self.ctx.backend.write_customers([c for c, _ in changed])
        written = []
        for (customer, digest), result in zip(changed, results, strict=True):
            if result.ok:
                run.totals.written += 1
                written.append(
                    Link(
                        CUSTOMER,
                        result.remote_id or result.ref,
                        int(customer.woo_id or 0),
                        None,
                        digest,
                    )
                )
            else:
                await run.skip(
                    CUSTOMER, customer.email, f"refused by the back office: {result.message}"
                )
        await self.ctx.store.links.upsert_many(written, connection=self.ctx.connection)
        links.update((link.woo_id, link) for link in written)
