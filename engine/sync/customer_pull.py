"""The back office's customers into the shop's accounts (``customers = "pull"``/``"both"``).

Run by the customers job after the push (the shop's edits win a tie).  Each
back-office customer is matched by its link, else by e-mail (WooCommerce
e-mails are unique across accounts), then updated, linked or created.  A
WooCommerce account that is not a customer's (an administrator, a shop
manager) is never changed: the customer is set aside with that reason.

Two links per customer: ``customer.backoffice`` remembers the back office's
record as last applied (an unchanged one costs nothing), and the push's own
``customer`` link gets what the shop answered after the write, so the push
does not send the shop's copy straight back.  A field the back office does not
keep (a state) stays as the shop has it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from typing import Any

from engine.errors import RemoteError
from engine.model import BackofficeCustomer, Customer
from engine.store.links import Link
from engine.sync.diff import CatalogDiff, DiffEntry
from engine.sync.fieldhash import encode, fingerprint
from engine.sync.jobrun import JobRun

__all__ = ["CustomerPull", "woo_customer_body"]

CUSTOMER = "customer"  # the push's link: what the shop holds, as last written or seen
PULLED = "customer.backoffice"  # the back office's record as last applied to the shop
_CUSTOMER_ROLES = ("customer", "subscriber")  # accounts a shop's buyers hold


def woo_customer_body(customer: Customer) -> dict[str, Any]:
    """The account fields WooCommerce takes (billing holds the address)."""
    billing = {
        "first_name": customer.first_name, "last_name": customer.last_name,
        "company": customer.company, "phone": customer.phone, "email": customer.email,
        "address_1": customer.address_1, "address_2": customer.address_2,
        "city": customer.city, "postcode": customer.postcode, "country": customer.country,
    }  # fmt: skip
    return {
        "email": customer.email, "first_name": customer.first_name,
        "last_name": customer.last_name, "billing": billing,
    }  # fmt: skip


def _digest(customer: Customer) -> str:
    return encode(fingerprint(asdict(customer)))


class CustomerPull:
    def __init__(
        self, run: JobRun, diff: CatalogDiff, from_woo: Callable[[Mapping[str, Any]], Customer]
    ) -> None:
        self.run = run
        self.ctx = run.ctx
        self.diff = diff
        self._from_woo = from_woo  # the push's reading of a shop account

    async def pull(self) -> None:
        store, connection = self.ctx.store, self.ctx.connection
        async for page in self.ctx.backend.read_customers():
            ids = [c.id for c in page.items]
            pulled = await store.links.get_many(PULLED, ids, connection=connection)
            pushed = await store.links.get_many(CUSTOMER, ids, connection=connection)
            written: list[Link] = []
            for item in page.items:
                self.run.totals.read += 1
                known = pulled.get(item.id) or pushed.get(item.id)
                written += await self._one(item, pulled.get(item.id), known)
            if written and not self.run.dry_run:
                await store.links.upsert_many(written, connection=connection)

    async def _one(
        self, item: BackofficeCustomer, pulled: Link | None, known: Link | None
    ) -> list[Link]:
        """The links after applying one customer (none: nothing to remember)."""
        customer = item.customer
        if not customer.email:
            await self.run.skip(CUSTOMER, item.id, "no e-mail address")
            return []
        if pulled is not None and not self.run.full and pulled.hash == _digest(customer):
            self.run.totals.unchanged += 1
            return []
        if (
            pulled is None
            and known is not None
            and known.hash == _digest(replace(customer, woo_id=known.woo_id))
        ):  # the push wrote it there and it reads back the same: nothing to write
            self.run.totals.unchanged += 1
            return [Link(PULLED, item.id, known.woo_id, None, _digest(customer))]
        try:
            woo_id = known.woo_id if known is not None else await self._match(customer)
            if woo_id is None:
                return []  # set aside (a staff account)
            return await self._write(item, woo_id)
        except RemoteError as error:
            await self.run.skip(CUSTOMER, customer.email, f"WooCommerce refused it: {error}")
            return []

    async def _match(self, customer: Customer) -> int | None:
        """The shop account with this e-mail (0: none yet); None when it is staff's."""
        found = await self.ctx.woo.get("customers", {"email": customer.email, "role": "all"})
        if not found:
            return 0
        account = found[0]
        role = str(account.get("role") or "customer")
        if role not in _CUSTOMER_ROLES:
            reason = (
                f"{customer.email} is a WooCommerce {role} account, not a customer's; "
                "tillsync does not change staff accounts"
            )
            await self.run.skip(CUSTOMER, customer.email, reason)
            return None
        return int(account["id"])

    async def _write(self, item: BackofficeCustomer, woo_id: int) -> list[Link]:
        customer, body = item.customer, woo_customer_body(item.customer)
        action = "update" if woo_id else "create"
        entry = DiffEntry(action, CUSTOMER, customer.email, customer.full_name, woo_id or None)
        self.diff.add(entry)
        if self.run.dry_run:
            return []
        if woo_id:
            account = await self.ctx.woo.put(f"customers/{woo_id}", body)
        else:
            account = await self.ctx.woo.post("customers", body)
        self.run.totals.written += 1
        woo_id = int(account["id"])
        shop = _digest(self._from_woo(account))  # what the push will read there next
        return [
            Link(PULLED, item.id, woo_id, None, _digest(customer)),
            Link(CUSTOMER, item.id, woo_id, None, shop),
        ]
