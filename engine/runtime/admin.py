"""The admin's one-call operations on the Engine: diagnose, orders, links, mappings, logs.

Each method is what one CLI command (or one dashboard button) does, so the
command and the screen stay free of business rules: which link kinds a
"reset products" means, that a reset also rewinds the cursors (otherwise the
next incremental run would never re-read the unlinked products), which
states an order may be retried from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from engine.config import secrets_path_for
from engine.errors import ConfigError
from engine.runtime.doctor import DoctorReport, check_connection, check_database, delivery_url
from engine.runtime.doctor_start import check_start_point
from engine.runtime.event_feed import events_after, latest_events
from engine.runtime.mapping_checks import check_mapping_values
from engine.runtime.mappings_file import parse_mappings, render_mappings
from engine.runtime.order_desk import explained_transition, list_orders
from engine.runtime.secrets_file import store_secret
from engine.runtime.tax_classes import checked_tax_classes, tax_class_check
from engine.runtime.views_orders import OrderDetail, order_detail
from engine.store import OutboxEntry, StoredEvent, UnknownOrderError
from engine.store.mappings import MappingKind
from engine.sync.catalog import PRODUCT_CURSOR
from engine.sync.catalog_writer import PRODUCT, STOCK
from engine.sync.categories import CATEGORY_CURSOR
from engine.sync.orders import install_webhooks, new_webhook_secret

if TYPE_CHECKING:
    from engine.config import TillsyncConfig
    from engine.runtime.connection import ConnectionRuntime
    from engine.store import StateStore

__all__ = ["LINK_GROUPS", "EngineAdmin", "LinkGroup", "WebhookSetup"]

LinkGroup = Literal["products", "categories"]
# what "forget the links of X" deletes: link kinds, and cursors (exact name or "prefix.")
LINK_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "products": ((PRODUCT, STOCK), (PRODUCT_CURSOR, "stock.")),
    "categories": (("category",), (CATEGORY_CURSOR,)),
}


@dataclass(frozen=True)
class WebhookSetup:
    """What ``install_webhooks`` did; ``secret_stored_in`` is set when it made a new secret."""

    connection: str
    delivery_url: str
    created: tuple[str, ...]
    updated: tuple[str, ...]
    secret_stored_in: Path | None = None
    recreated: tuple[str, ...] = ()
    ping_failures: tuple[tuple[str, int], ...] = ()  # (topic, status; 0 = no answer)


class EngineAdmin:
    """Mixed into :class:`~engine.runtime.engine.Engine`; see each method."""

    config: TillsyncConfig
    store: StateStore
    connections: dict[str, ConnectionRuntime]

    def connection(self, name: str | None = None) -> ConnectionRuntime:
        raise NotImplementedError  # provided by Engine

    if TYPE_CHECKING:  # provided by ConsoleActions (a stub here would shadow it in Engine)

        def _order_changed(self, conn: str, entry: OutboxEntry, text: str) -> None: ...

        @staticmethod
        def _wake(conn: ConnectionRuntime) -> None: ...

    def _name(self, connection: str | None) -> str:
        return self.connection(connection).name

    async def doctor(self, connection: str | None = None) -> DoctorReport:
        """*Network.*  Every check of every (or the named) connection, then the database."""
        names = [self._name(connection)] if connection else list(self.connections)
        public_url = self.config.webhooks.public_url
        checks = []
        for name in names:
            checks.extend(await check_connection(self.connections[name], public_url))
            checks.append(await tax_class_check(self.connections[name], self.store))
            checks.append(await check_start_point(self.connections[name]))
        checks.extend(await check_database(self.store))
        return DoctorReport(tuple(checks))

    async def orders_list(
        self, state: str | None = None, connection: str | None = None, limit: int = 50
    ) -> list[OutboxEntry]:
        return await list_orders(self.store, self._name(connection), state, limit)

    async def orders_show(self, order_id: int, connection: str | None = None) -> OrderDetail:
        """The order as the console's debugger shows it: one read model for both."""
        name = self._name(connection)
        detail = await order_detail(self, name, order_id)  # type: ignore[arg-type]
        if detail is None:
            raise UnknownOrderError(
                f"order #{order_id} is not in the {name!r} outbox",
                hint="`tillsync orders list` shows the orders tillsync knows",
            )
        return detail

    async def orders_retry(self, order_id: int, connection: str | None = None) -> OutboxEntry:
        """A failed, held or skipped order becomes due now (the worker picks it up)."""
        name = self._name(connection)
        with explained_transition("retry"):
            entry = await self.store.outbox.retry(order_id, connection=name)
        self._order_changed(name, entry, "retry queued by the admin")  # other consoles see it
        self._wake(self.connection(name))
        return entry

    async def orders_skip(
        self, order_id: int, reason: str = "skipped by the admin", connection: str | None = None
    ) -> OutboxEntry:
        """The order will not be sent to the back office (until retried)."""
        name = self._name(connection)
        with explained_transition("skip"):
            entry = await self.store.outbox.skip(order_id, reason, connection=name)
        self._order_changed(name, entry, f"skipped by the admin: {reason}")
        return entry

    async def reset_links(self, group: LinkGroup, connection: str | None = None) -> dict[str, int]:
        """Forget which WooCommerce objects match which back-office ones.

        Nothing is deleted in WooCommerce; the next run re-reads everything and
        matches by SKU (products) or by name and parent (categories) again.
        Returns how many links of each kind went, plus ``cursors`` rewound.
        """
        name = self._name(connection)
        kinds, cursors = LINK_GROUPS[group]
        removed: dict[str, int] = {}
        async with self.store.transaction():
            for kind in kinds:
                removed[kind] = await self.store.links.delete_kind(kind, connection=name)
            removed["cursors"] = await self._rewind(name, cursors)
        return removed

    async def _rewind(self, connection: str, names: tuple[str, ...]) -> int:
        rewound = 0
        for cursor in await self.store.cursors.entries(connection=connection):
            if any(
                cursor.name == n or (n.endswith(".") and cursor.name.startswith(n)) for n in names
            ):
                await self.store.cursors.delete(cursor.name, connection=connection)
                rewound += 1
        return rewound

    async def export_mappings(self, connection: str | None = None) -> str:
        """Every mapping of the connection as a reviewable TOML document."""
        name = self._name(connection)
        return render_mappings(await self.store.mappings.export_all(connection=name), name)

    async def import_mappings(
        self, text: str, connection: str | None = None, *, source: str = "mappings file"
    ) -> int:
        """Replace the kinds present in ``text`` (checked whole first); returns pairs written."""
        parsed = parse_mappings(text, source)
        await check_mapping_values(self.connection(connection), parsed, source)
        if parsed.get(MappingKind.TAX_CLASS):  # an unknown class would sell at standard rate
            conn = self.connection(connection)
            pairs = parsed[MappingKind.TAX_CLASS]
            parsed[MappingKind.TAX_CLASS] = await checked_tax_classes(conn, pairs, source)
        return await self.store.mappings.import_all(parsed, connection=self._name(connection))

    async def install_webhooks(self, connection: str | None = None) -> WebhookSetup:
        """*Network.*  Register (or re-key and re-activate) the order webhooks in WooCommerce.

        Uses the configured webhook secret; without one, generates a secret and
        stores it in secrets.toml first, so the engine checks signatures with it
        from its next start.
        """
        conn = self.connection(connection)
        public_url = self.config.webhooks.public_url
        if not public_url:
            raise ConfigError(
                "[webhooks] public_url is not set: WooCommerce needs an address to deliver to",
                hint='set public_url = "https://sync.example.com/webhooks" (the address your '
                "reverse proxy serves, see docs/deploy.md), then run this again",
            )
        url = delivery_url(str(public_url), conn.name)
        assert url is not None
        stored = None
        if conn.webhook_secret is not None:
            secret = conn.webhook_secret.get_secret_value()
        else:
            secret, stored = new_webhook_secret(), self._secrets_path()
            store_secret(stored, ("connections", conn.name, "woo"), "webhook_secret", secret)
        done = await install_webhooks(conn.woo, url, secret=secret)
        return WebhookSetup(
            conn.name, url, done.created, done.updated, stored, done.recreated, done.ping_failures
        )

    def _secrets_path(self) -> Path:
        if self.config.source is None:
            raise ConfigError("the configuration was not loaded from a file; cannot store secrets")
        return secrets_path_for(self.config.source)

    async def query_events(
        self,
        *,
        level: str | None = None,
        job: str | None = None,
        connection: str | None = None,
        limit: int = 50,
        after_id: int | None = None,
    ) -> list[StoredEvent]:
        """Stored events, oldest first: the newest ``limit``, or all after ``after_id``."""
        name = self._name(connection) if connection else None
        if after_id is not None:
            return await events_after(self.store, after_id, level=level, job=job, connection=name)
        return await latest_events(self.store, level=level, job=job, connection=name, limit=limit)
