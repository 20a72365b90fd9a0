"""The console's write actions, as Engine methods: void, unlink, clear a skip,
release held orders, save mappings, retry or dismiss a receipt write-back,
finalise drafts kept for short stock.

A screen that wrote to the store itself left no trace in the log, woke no
worker (a released order waited for the next idle tick) and asked no
capability (a void on a back office that cannot void was accepted and then
failed).  Each method here checks what the back office can do, makes the
store's move, logs it as an event (the log screen and ``tillsync logs``
show who did what) and wakes the connection's order worker when the move
gives it work.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from engine.backends import Capability
from engine.errors import ConfigError
from engine.events import EventBus, Level, LogEvent, OrderStateChanged
from engine.runtime.order_desk import explained_transition
from engine.store import MappingKind, OutboxEntry, OutboxState, Run, StateStore, WriteBackDebt

if TYPE_CHECKING:
    from engine.runtime.connection import ConnectionRuntime

__all__ = ["ADMIN_JOB", "ConsoleActions", "seed_mappings"]

log = logging.getLogger(__name__)

ADMIN_JOB = "admin"  # the job name of events that record the admin's own actions


class ConsoleActions:
    """Mixed into :class:`~engine.runtime.engine.Engine`; one method per console action."""

    store: StateStore
    bus: EventBus

    def connection(self, name: str | None = None) -> ConnectionRuntime:
        raise NotImplementedError  # provided by Engine

    def _logged(self, conn: str, text: str, entity: str = "") -> None:
        log.info("%s: %s", conn, text)
        self.bus.publish(LogEvent(text=text, job=ADMIN_JOB, connection=conn, entity=entity))

    def _order_changed(self, conn: str, entry: OutboxEntry, text: str) -> None:
        self._logged(conn, f"order #{entry.woo_order_id} {text}", f"order:{entry.woo_order_id}")
        self.bus.publish(
            OrderStateChanged(
                woo_order_id=entry.woo_order_id,
                state=entry.state.value,
                detail=text,
                level=Level.WARNING if entry.state is OutboxState.VOIDING else Level.INFO,
                connection=conn,
            )
        )

    @staticmethod
    def _wake(conn: ConnectionRuntime) -> None:
        if conn.worker is not None:
            conn.worker.wake()

    def can_void(self, connection: str | None = None) -> bool:
        """Whether the back office can reverse a booked sale (the console hides "void" if not)."""
        return Capability.SALES_VOID in self.connection(connection).backend.capabilities

    async def orders_void(
        self, order_id: int, reason: str = "voided by the admin", connection: str | None = None
    ) -> OutboxEntry:
        """*Irreversible.*  Queue a reversal of a booked order; the worker books it next."""
        conn = self.connection(connection)
        if not self.can_void(conn.name):
            raise ConfigError(
                f"the {conn.backend.name} back office cannot void sales through its API",
                hint="reverse the sale in the back office itself",
            )
        with explained_transition("void"):
            entry = await self.store.outbox.mark_voiding(order_id, reason, connection=conn.name)
        self._order_changed(conn.name, entry, f"to be reversed by the admin: {reason}")
        self._wake(conn)
        return entry

    async def release_held(self, connection: str | None = None) -> int:
        """Every held order is checked again now (after the admin fixed a mapping)."""
        conn = self.connection(connection)
        released = await self.store.outbox.release_held(conn.name)
        self._logged(conn.name, f"{released} held order(s) released by the admin")
        self._wake(conn)
        return released

    async def unlink(self, kind: str, backoffice_id: str, connection: str | None = None) -> bool:
        """Forget one product link; the next catalog run matches it again by SKU."""
        name = self.connection(connection).name
        gone = await self.store.links.delete(kind, backoffice_id, connection=name)
        entity = f"{kind}:{backoffice_id}"
        self._logged(name, f"{kind} {backoffice_id} unlinked by the admin", entity)
        return bool(gone)

    async def clear_skip(self, kind: str, key: str, connection: str | None = None) -> bool:
        """A skipped item is tried again on the next run."""
        name = self.connection(connection).name
        cleared = await self.store.skipped.clear(kind, key, connection=name)
        self._logged(name, f"{kind} {key}: skip cleared by the admin", f"{kind}:{key}")
        return cleared

    async def save_mappings(
        self, kind: MappingKind, changes: Mapping[str, str | None], connection: str | None = None
    ) -> int:
        """Set (or, for None, delete) mappings of one kind in one transaction."""
        name = self.connection(connection).name
        mappings = self.store.mappings
        async with self.store.transaction():
            for source, target in changes.items():
                if target is None:
                    await mappings.delete(kind, source, connection=name)
                else:
                    await mappings.set(kind, source, target, connection=name)
        self._logged(name, f"{len(changes)} {kind.value} mapping(s) saved by the admin")
        return len(changes)

    async def writebacks(self, connection: str | None = None) -> list[WriteBackDebt]:
        """Receipt numbers not yet in WooCommerce: dead ones (need the admin) first."""
        return await self.store.writebacks.entries(connection=self.connection(connection).name)

    async def writeback_retry(self, order_id: int, connection: str | None = None) -> bool:
        """Try a write-back now (a dead one too: after fixing the order in WooCommerce)."""
        conn = self.connection(connection)
        retried = await self.store.writebacks.retry(order_id, connection=conn.name)
        if retried:
            text = f"order #{order_id}: receipt write-back retried by the admin"
            self._logged(conn.name, text, f"order:{order_id}")
            self._wake(conn)
        return retried

    async def writeback_dismiss(self, order_id: int, connection: str | None = None) -> bool:
        """Give up a write-back (the order is gone, or the number was written by hand)."""
        name = self.connection(connection).name
        dismissed = await self.store.writebacks.settle(order_id, connection=name)
        if dismissed:
            text = f"order #{order_id}: receipt write-back dismissed by the admin"
            self._logged(name, text, f"order:{order_id}")
        return dismissed

    async def finalise_drafts(
        self, draft_ids: list[str] | None = None, connection: str | None = None
    ) -> list[str]:
        """Make final now the drafts kept for short stock (those of ``draft_ids``, else
        every one) whose stock is back; the order numbers made final.  A draft still
        short stays a draft: finalising it would sell stock the back office lacks."""
        conn = self.connection(connection)
        if Capability.SALES_DRAFTS not in conn.backend.capabilities:
            raise ConfigError(
                f"{conn.backend.name} keeps no drafts for short stock",
                hint="Only back offices that save such orders as drafts have this list.",
            )
        done = await conn.backend.finalise_drafts(draft_ids)
        if done:
            self._logged(conn.name, f"drafts made final by the admin: {', '.join(done)}")
        return done

    async def order_counts(self, connection: str | None = None) -> dict[OutboxState, int]:
        return await self.store.outbox.counts(connection=self.connection(connection).name)

    async def last_run(self, job: str, connection: str | None = None) -> Run | None:
        return await self.store.runs.last_run(job, connection=self.connection(connection).name)


async def seed_mappings(
    state_db: Path, mappings: Mapping[MappingKind, Mapping[str, str]], connection: str
) -> None:
    """Write mappings into a state database no engine has open (the demo, first-run setup)."""
    async with StateStore.open(state_db) as store:
        await store.mappings.import_all(dict(mappings), connection=connection)
